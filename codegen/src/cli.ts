import { shouldColour } from "./cli/colour.js";
import { runCli } from "./cli/run-cli.js";

// A reader that stops early (`postbus read orders | head`) is not an error of postbus.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

const status = await runCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  colour: { out: shouldColour(process.stdout, process.env), err: shouldColour(process.stderr, process.env) },
});
process.exitCode = status;
