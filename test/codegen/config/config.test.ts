import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../codegen/src/config/load-config.js";
import { FIXTURES, json, tempProject } from "../support/project.js";

describe("loadConfig", () => {
  it("finds postbus.config.json from a subfolder upward and resolves paths against its folder", async () => {
    const root = path.join(FIXTURES, "basic");
    const loaded = await loadConfig({ cwd: path.join(root, "schemas", "signals") });
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.file).toBe(path.join(root, "postbus.config.json"));
    expect(loaded.config).toEqual({
      root,
      schemasDir: path.join(root, "schemas"),
      definitions: ["schemas/shared/**"],
      types: {
        dir: "packages/types",
        name: "@acme/types",
        version: "0.1.0",
        description: undefined,
        license: undefined,
      },
      docs: "docs/catalog",
      compatibility: "BACKWARD",
      unknownKeywords: "annotation",
      annotations: [],
      sources: [],
      eventType: { from: "path", pattern: "<file-stem>" },
      idBase: "file",
      format: { "2020-12": "assertion" },
    });
  });

  it("applies the defaults to an empty config", async () => {
    const project = await tempProject({ "postbus.config.json": "{}" });
    try {
      const { config } = await loadConfig({ cwd: project.root });
      expect(config).toEqual({
        root: project.root,
        schemasDir: path.join(project.root, "schemas"),
        definitions: ["schemas/shared/**"],
        types: {
          dir: "packages/types",
          name: "@postbus/types",
          version: "0.1.0",
          description: undefined,
          license: undefined,
        },
        docs: "docs/catalog",
        compatibility: "BACKWARD",
        unknownKeywords: "annotation",
        annotations: [],
        sources: [],
        eventType: { from: "path", pattern: "<file-stem>" },
        idBase: "file",
        format: { "2020-12": "assertion" },
      });
    } finally {
      await project.remove();
    }
  });

  it("takes the package's version from the config, else from its package.json on disk", async () => {
    const project = await tempProject({
      "postbus.config.json": json({ packages: { types: { dir: "out/events", name: "@acme/events" } } }),
      "out/events/package.json": json({ name: "@acme/events", version: "3.1.4" }),
    });
    try {
      expect((await loadConfig({ cwd: project.root })).config?.types.version).toBe("3.1.4");
      await project.write(
        "postbus.config.json",
        json({ packages: { types: { dir: "out/events", version: "4.0.0-rc.1", license: "MIT" } } }),
      );
      const { config } = await loadConfig({ cwd: project.root });
      expect(config?.types).toMatchObject({ version: "4.0.0-rc.1", license: "MIT" });
    } finally {
      await project.remove();
    }
  });

  it.each([
    {
      name: "a version that is not semver",
      given: { "postbus.config.json": json({ packages: { types: { version: "1.2" } } }) },
      want: '"packages.types.version" must be a semver version',
    },
    {
      name: "a package name npm refuses",
      given: { "postbus.config.json": json({ packages: { types: { name: "@Acme/Events" } } }) },
      want: '"packages.types.name" "@Acme/Events" is not an npm package name',
    },
    {
      name: "a package.json on disk whose version is not semver",
      given: { "postbus.config.json": "{}", "packages/types/package.json": json({ version: "latest" }) },
      want: 'packages/types/package.json has the version "latest", which is not a semver version',
    },
    {
      name: "an eventType source that does not exist",
      given: { "postbus.config.json": json({ eventType: { from: "filename" } }) },
      want: '"eventType.from" must be one of "path", "id", "field"',
    },
    {
      name: "an eventType pattern with an unknown placeholder",
      given: { "postbus.config.json": json({ eventType: { from: "path", pattern: "<dir>.<file-stem>" } }) },
      want: '"eventType.pattern" uses the unknown placeholder <dir>',
    },
    {
      name: "an eventType pattern without a placeholder",
      given: { "postbus.config.json": json({ eventType: { from: "id", pattern: "orders" } }) },
      want: '"eventType.pattern" uses no placeholder, so every file would get the same event type',
    },
    {
      name: "an eventType field rule without its field",
      given: { "postbus.config.json": json({ eventType: { from: "field" } }) },
      want: '"eventType.field" must name a root field of the schemas',
    },
    {
      name: "a pattern given to a field rule",
      given: {
        "postbus.config.json": json({ eventType: { from: "field", field: "title", pattern: "<folder>" } }),
      },
      want: 'Unknown config key "pattern" for "from": "field"',
    },
    {
      name: "a 2020-12 format mode that does not exist",
      given: { "postbus.config.json": json({ format: { "2020-12": "assert" } }) },
      want: '"format.2020-12" must be one of "assertion", "annotation"',
    },
    {
      name: "a format mode for a dialect it does not apply to",
      given: { "postbus.config.json": json({ format: { "draft-07": "annotation" } }) },
      want: 'Unknown config key "draft-07"',
    },
    {
      name: "an idBase that does not exist",
      given: { "postbus.config.json": json({ idBase: "relative" }) },
      want: '"idBase" must be one of "file", "none"',
    },
  ] as { name: string; given: Record<string, string>; want: string }[])(
    "refuses $name, naming it",
    async ({ given, want }) => {
      const project = await tempProject(given);
      try {
        const loaded = await loadConfig({ cwd: project.root });
        expect(loaded.config).toBeUndefined();
        expect(loaded.diagnostics.map((d) => d.message)).toEqual([want]);
      } finally {
        await project.remove();
      }
    },
  );

  it('resolves "format": { "2020-12": "annotation" } (the default is "assertion")', async () => {
    const project = await tempProject({
      "postbus.config.json": json({ format: { "2020-12": "annotation" } }),
    });
    try {
      expect((await loadConfig({ cwd: project.root })).config?.format).toEqual({ "2020-12": "annotation" });
      await project.write("postbus.config.json", json({ format: {} }));
      expect((await loadConfig({ cwd: project.root })).config?.format).toEqual({ "2020-12": "assertion" });
    } finally {
      await project.remove();
    }
  });

  it("resolves an eventType rule, filling in the default pattern, and idBase", async () => {
    const project = await tempProject({
      "postbus.config.json": json({ eventType: { from: "id" }, idBase: "none" }),
    });
    try {
      const { config } = await loadConfig({ cwd: project.root });
      expect(config).toMatchObject({ eventType: { from: "id", pattern: "<file-stem>" }, idBase: "none" });
      await project.write(
        "postbus.config.json",
        json({ eventType: { from: "field", field: "x-event-type" } }),
      );
      expect((await loadConfig({ cwd: project.root })).config?.eventType).toEqual({
        from: "field",
        field: "x-event-type",
      });
    } finally {
      await project.remove();
    }
  });

  it("uses the defaults with the working folder as root when no config file exists", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "postbus-front-noconfig-"));
    try {
      const loaded = await loadConfig({ cwd: root });
      expect(loaded.file).toBeUndefined();
      expect(loaded.diagnostics).toEqual([]);
      expect(loaded.config?.schemasDir).toBe(path.join(root, "schemas"));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("reads the file --config names, relative to the working folder", async () => {
    const project = await tempProject({ "conf/postbus.config.json": json({ schemas: "contracts/" }) });
    try {
      const { config, diagnostics } = await loadConfig({
        cwd: project.root,
        configPath: "conf/postbus.config.json",
      });
      expect(diagnostics).toEqual([]);
      expect(config?.root).toBe(path.join(project.root, "conf"));
      expect(config?.schemasDir).toBe(path.join(project.root, "conf", "contracts"));
      expect(config?.definitions).toEqual(["contracts/shared/**"]);
    } finally {
      await project.remove();
    }
  });

  it("reports a --config path that does not exist", async () => {
    const loaded = await loadConfig({ cwd: FIXTURES, configPath: "nope/postbus.config.json" });
    expect(loaded.config).toBeUndefined();
    expect(loaded.diagnostics).toMatchObject([{ code: "POSTBUS_SCHEMA_CONFIG", message: /does not exist/ }]);
  });

  it("reports invalid JSON in the config with its line", async () => {
    const project = await tempProject({ "postbus.config.json": '{\n  "schemas": "x"\n  "docs": "y"\n}' });
    try {
      const loaded = await loadConfig({ cwd: project.root });
      expect(loaded.diagnostics).toMatchObject([
        { code: "POSTBUS_SCHEMA_PARSE", location: { file: "postbus.config.json", line: 3 } },
      ]);
    } finally {
      await project.remove();
    }
  });
});
