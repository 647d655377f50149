/**
 * The release flow: `postbus check` recommends the semver bump of the contracts package
 * (breaking → major, new event or version → minor, documentation only → patch), writes
 * it as a changeset with `--changeset`, and `changeset version` (@changesets/cli 2.31.1)
 * bumps the generated package, whose package.json, README and AsyncAPI `info.version`
 * then follow the new version on the next `postbus generate`.
 */
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { runCli } from "@postbus/codegen";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCompatibility } from "../../../codegen/src/compat/check-compatibility.js";
import type { CheckOutput } from "../../../codegen/src/compat/format-report.js";
import { nextVersion, recommendBump } from "../../../codegen/src/compat/recommend-bump.js";
import { sideOf } from "./support/sides.js";

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CHANGESET = path.join(ROOT, "node_modules/@changesets/cli/bin.js");
const SHOP = fileURLToPath(new URL("../../pack/fixture/shop/", import.meta.url));

const placed = (extra: Record<string, unknown> = {}) => ({
  "x-postbus": { eventType: "order.placed", version: 1 },
  description: "An order was placed.",
  type: "object",
  properties: { orderId: { type: "string", description: "The order." }, title: { type: "string" } },
  required: ["orderId"],
  additionalProperties: false,
  ...extra,
});

describe("recommendBump", () => {
  it.each([
    { name: "nothing changed", given: placed(), want: "none" },
    { name: "a description changed", given: placed({ description: "Placed by a customer." }), want: "patch" },
    {
      name: "a property's description changed",
      given: placed({
        properties: { orderId: { type: "string", description: "Another text." }, title: { type: "string" } },
      }),
      want: "patch",
    },
    {
      name: "the property named title was widened (a property, not the title annotation)",
      given: placed({
        properties: {
          orderId: { type: "string", description: "The order." },
          title: { type: ["string", "null"] },
        },
      }),
      want: "minor",
    },
    {
      name: "an optional property was added (compatible)",
      given: placed({
        properties: { orderId: { type: "string" }, title: { type: "string" }, note: { type: "string" } },
      }),
      want: "minor",
    },
    {
      name: "a required property was added (breaking)",
      given: placed({
        properties: { orderId: { type: "string" }, title: { type: "string" }, note: { type: "string" } },
        required: ["orderId", "note"],
      }),
      want: "major",
    },
  ])("recommends $want when $name", async ({ given, want }) => {
    const old = await sideOf("HEAD", { "schemas/orders/order.placed.json": placed() });
    const current = await sideOf("the working tree", { "schemas/orders/order.placed.json": given });
    const report = checkCompatibility({ old, current, defaultMode: "BACKWARD" });
    expect(recommendBump(report, old.model, current.model).bump).toBe(want);
  });

  it("recommends minor for a new event type and for a new version, major for a removed one", async () => {
    const old = await sideOf("HEAD", { "schemas/orders/order.placed.json": placed() });
    const added = await sideOf("the working tree", {
      "schemas/orders/order.placed.json": placed(),
      "schemas/orders/order.cancelled.json": { ...placed(), "x-postbus": { eventType: "order.cancelled" } },
    });
    const versioned = await sideOf("the working tree", {
      "schemas/orders/order.placed.json": placed(),
      "schemas/orders/order.placed.v2.json": {
        ...placed(),
        "x-postbus": { eventType: "order.placed", version: 2 },
      },
    });
    const removed = await sideOf("the working tree", {
      "schemas/orders/order.cancelled.json": { ...placed(), "x-postbus": { eventType: "order.cancelled" } },
    });
    const bump = (current: typeof old) =>
      recommendBump(checkCompatibility({ old, current, defaultMode: "BACKWARD" }), old.model, current.model);
    expect(bump(added)).toEqual({ bump: "minor", reasons: ["order.cancelled v1: added (minor)"] });
    expect(bump(versioned)).toEqual({ bump: "minor", reasons: ["order.placed v2: added (minor)"] });
    expect(bump(removed).bump).toBe("major");
  });

  it.each([
    ["1.4.2", "major", "2.0.0"],
    ["1.4.2", "minor", "1.5.0"],
    ["1.4.2", "patch", "1.4.3"],
    ["1.4.2-beta.1", "patch", "1.4.3"],
    ["1.4.2", "none", "1.4.2"],
  ] as const)("nextVersion(%s, %s) is %s", (version, bump, want) => {
    expect(nextVersion(version, bump)).toBe(want);
  });
});

describe("releasing contracts", () => {
  let project: string;
  const git = (...args: string[]) => exec("git", args, { cwd: project });
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    // In-process: without this, a DATABASE_URL in the test's environment (the test server's admin
    // database, which has no events table) would make `check` read stored events there.
    const databaseUrl = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const status = await runCli([...argv, "--config", path.join(project, "postbus.config.json")], {
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { status, out, err };
    } finally {
      if (databaseUrl !== undefined) process.env.DATABASE_URL = databaseUrl;
    }
  };

  beforeEach(async () => {
    project = await mkdtemp(path.join(os.tmpdir(), "postbus-release-"));
    await cp(SHOP, project, { recursive: true });
    // The version is left to package.json, where `changeset version` writes it.
    const config = JSON.parse(await readFile(path.join(project, "postbus.config.json"), "utf8"));
    delete config.packages.types.version;
    await writeFile(path.join(project, "postbus.config.json"), JSON.stringify(config, null, 2));
    await writeFile(
      path.join(project, "package.json"),
      JSON.stringify({ name: "shop", private: true, workspaces: ["out/*"] }, null, 2),
    );
    await writeFile(path.join(project, ".gitignore"), "dist/\n");
    const changesets = JSON.parse(await readFile(path.join(ROOT, ".changeset/config.json"), "utf8"));
    // The project has no node_modules: the changelog writer is the repository's.
    changesets.changelog = path.join(ROOT, "node_modules/@changesets/cli/changelog");
    await mkdir(path.join(project, ".changeset"));
    await writeFile(path.join(project, ".changeset/config.json"), JSON.stringify(changesets, null, 2));
    expect((await cli("generate", "--no-build")).status).toBe(0);
    await git("init", "-q");
    await git("add", "-A");
    await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "contracts 0.1.0");
  });
  afterEach(async () => {
    await rm(project, { recursive: true, force: true });
  });

  it("writes the recommended bump as a changeset that changeset version applies, and the generated package follows it", async () => {
    const file = path.join(project, "contracts/shipping/parcel.shipped.json");
    const schema = JSON.parse(await readFile(file, "utf8"));
    schema.properties.trackingCode = { type: "string" };
    await writeFile(file, JSON.stringify(schema, null, 2));

    const checked = await cli("check", "--format", "json", "--changeset");
    expect(checked.status).toBe(0);
    const output = JSON.parse(checked.out[0]!) as CheckOutput;
    expect(output.release).toEqual({
      package: "@acme/shop-events",
      version: "0.1.0",
      bump: "minor",
      nextVersion: "0.2.0",
      reasons: ["parcel.shipped v1: compatible change (minor)"],
    });
    const written = (await readdir(path.join(project, ".changeset"))).filter((name) =>
      name.startsWith("postbus-"),
    );
    expect(written).toHaveLength(1);
    expect(checked.err).toEqual([`postbus: wrote .changeset/${written[0]}`]);
    const changeset = await readFile(path.join(project, ".changeset", written[0]!), "utf8");
    expect(changeset).toBe(
      [
        "---",
        '"@acme/shop-events": minor',
        "---",
        "",
        "Contracts changed (recommended by `postbus check`):",
        "",
        "- parcel.shipped v1: compatible change (minor)",
        "",
      ].join("\n"),
    );
    expect((await cli("check", "--changeset")).err).toEqual([
      `postbus: .changeset/${written[0]} is already there`,
    ]);

    await exec(process.execPath, [CHANGESET, "version"], { cwd: project });
    const bumped = JSON.parse(await readFile(path.join(project, "out/shop-events/package.json"), "utf8"));
    expect(bumped.version).toBe("0.2.0");
    expect(await readFile(path.join(project, "out/shop-events/CHANGELOG.md"), "utf8")).toContain(
      "- parcel.shipped v1: compatible change (minor)",
    );

    expect((await cli("generate", "--no-build")).status).toBe(0);
    const regenerated = JSON.parse(
      await readFile(path.join(project, "out/shop-events/package.json"), "utf8"),
    );
    expect(regenerated.version).toBe("0.2.0");
    expect(await readFile(path.join(project, "out/shop-events/README.md"), "utf8")).toContain(
      "Version 0.2.0.",
    );
    const asyncapi = await cli("asyncapi");
    expect(JSON.parse(asyncapi.out.join("\n")).info.version).toBe("0.2.0");
    expect((await cli("generate", "--check")).status).toBe(0);
  }, 60_000);

  it("writes no changeset when no contract changed", async () => {
    const checked = await cli("check", "--changeset");
    expect(checked.out).toContain("release: no contract changed; @acme/shop-events stays at 0.1.0");
    expect(checked.err).toEqual(["postbus: no contract changed; no changeset written"]);
    expect((await readdir(path.join(project, ".changeset"))).sort()).toEqual(["config.json"]);
  }, 60_000);
});
