import { runCli } from "@postbus/codegen";
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { liveCatalog } from "../../codegen/src/cli/live-catalog.js";
import type { ResolvedConfig } from "../../codegen/src/config/config.js";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import type { ContractModel, GeneratedFile } from "../../codegen/src/ir/model.js";
import { useTestDatabase } from "../support/test-database.js";
import { exampleModel } from "./support/example-catalog.js";
import { seedLiveDatabase } from "./support/live-database.js";

const db = useTestDatabase();
let pool: pg.Pool;
let model: ContractModel;
let config: ResolvedConfig;
let staticFiles: GeneratedFile[];
let files: GeneratedFile[];

beforeAll(async () => {
  pool = db.pool({ max: 4 });
  await seedLiveDatabase(pool);
  ({ model, config } = await exampleModel());
  staticFiles = emitCatalog(model, config);
  files = await liveCatalog(staticFiles, model, config, { "database-url": db.url });
});

const contents = (path: string) =>
  files.find((file) => file.path === `${config.docs}/${path}`)?.contents ?? "";

describe("postbus docs --database-url", () => {
  it("adds to an event type's page its count, last seen, the groups reading it with their lag, and dead letters", () => {
    const html = contents("site/events/order.placed.html");
    const live = html.slice(html.indexOf('<section id="live"'), html.indexOf("</section>"));
    expect(live).toContain('<dd id="live-count">3</dd>');
    expect(live).toMatch(/<dd id="live-last-seen">\d{4}-\d{2}-\d{2}T[\d:.]+Z<\/dd>/);
    expect(live).toContain('<dd id="live-dead-letters">1</dd>');
    expect(live).toContain('<li>audit: <span class="dead-letters">1</span></li>');
    expect(live).toMatch(
      /fulfilment<\/a><\/td><td><code>orders<\/code><\/td><td>2 events, oldest [\d.]+ s<\/td><td>lagging<\/td>/,
    );
    expect(live).toMatch(
      /audit<\/a><\/td><td><code>orders<\/code><\/td><td>0 events<\/td><td>dead letters<\/td>/,
    );
    expect(live).not.toContain("archive");
    expect(live).toContain(`Read from 127.0.0.1:${new URL(db.url).port}/${db.name}`);
    expect(live).not.toContain("postgres@");
    // The section comes before the version history, and the page is otherwise the static one.
    expect(html.indexOf('id="live-figures"')).toBeLessThan(html.indexOf('<h2 id="history">'));
    const markdown = contents("events/order.placed.md");
    expect(markdown).toContain("## Live figures");
    expect(markdown).toContain("- Stored events: 3");
    expect(markdown).toContain("- Dead letters: 1 (audit: 1)");
    expect(markdown).toMatch(
      /\| \[fulfilment\]\(\.\.\/groups\.md\) \| `orders` \| 2 events, oldest [\d.]+ s \| lagging \|/,
    );
  });

  it("an event type nobody published shows zero and never, and no reader", () => {
    const html = contents("site/events/fill.received.html");
    expect(html).toContain('<dd id="live-count">0</dd>');
    expect(html).toContain('<dd id="live-last-seen">never</dd>');
  });

  it("writes a consumer groups page with each group's channels and state, linked from the index", () => {
    const groups = contents("site/groups.html");
    expect(groups).toContain('<section class="group" id="group-fulfilment">');
    expect(groups).toMatch(/id="group-audit">[\s\S]*<span class="group-state">dead letters<\/span>/);
    expect(groups).toMatch(
      /id="group-archive">[\s\S]*does not hold retention back[\s\S]*<code>fills<\/code>/,
    );
    expect(contents("site/index.html")).toContain('<a href="groups.html">Consumer groups (3)</a>');
    expect(contents("groups.md")).toMatch(/## fulfilment\n\n- State: lagging/);
    expect(contents("index.md")).toContain("[consumer groups](groups.md) (3)");
  });

  it("leaves the static catalog unchanged without a database, apart from the live parts", () => {
    expect(staticFiles.some((file) => file.path.endsWith("groups.html"))).toBe(false);
    expect(
      staticFiles.find((file) => file.path.endsWith("site/events/order.placed.html"))!.contents,
    ).not.toContain("Live figures");
    expect(files.length).toBe(staticFiles.length + 2);
    const definitions = `${config.docs}/site/definitions.html`;
    expect(files.find((file) => file.path === definitions)).toEqual(
      staticFiles.find((file) => file.path === definitions),
    );
  });

  it("refuses --check with --database-url (live figures change), writing nothing", async () => {
    const err: string[] = [];
    const code = await runCli(["docs", "--check", "--database-url", db.url], {
      out: () => {},
      err: (line) => err.push(line),
    });
    expect(code).toBe(2);
    expect(err[0]).toContain("--check and --database-url exclude each other");
  });
});
