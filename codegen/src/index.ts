export { type CliIo, runCli } from "./cli/run-cli.js";
