import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { liveCatalog } from "../../codegen/src/cli/live-catalog.js";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import { findChromium } from "../support/find-chromium.js";
import { useTestDatabase } from "../support/test-database.js";
import { exampleModel, REPOSITORY_ROOT } from "./support/example-catalog.js";
import { seedLiveDatabase } from "./support/live-database.js";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** In the page (the tests are compiled without the DOM library): how far the page scrolls sideways. */
const HORIZONTAL_OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth";
/**
 * In the page: every link, stylesheet, script and image target, as written and resolved, and whether
 * it is a link written in a description (Markdown rendered into `.prose` or a table cell).
 */
const LINK_TARGETS = `[...document.querySelectorAll("a[href], link[href], script[src], img[src]")].map((element) => {
  const value = element.getAttribute(element.hasAttribute("src") ? "src" : "href") ?? "";
  const described = element.tagName === "A" && element.closest(".prose, td") !== null;
  return { value, resolved: new URL(value, document.baseURI).href, described };
})`;
/** In the page: how far each node of the first graph on the page reaches right, and the viewport's width. */
const GRAPH_REACH = `(() => {
  const svg = document.querySelector(".graph svg");
  const right = (selector) => Math.max(...[...svg.querySelectorAll(selector)].map((node) => node.getBoundingClientRect().right));
  return { svg: svg.getBoundingClientRect().right, consumers: right("g.node.consumer"), events: right("g.node.event"), viewport: document.documentElement.clientWidth };
})()`;
const ARTIFACTS = path.join(REPOSITORY_ROOT, "test/.artifacts");

let folder: string;
let site: string;
let sitePaths: string[];
let context: BrowserContext;
const consoleErrors: string[] = [];
const networkRequests: string[] = [];

beforeAll(async () => {
  const browser = await findChromium();
  folder = await mkdtemp(path.join(os.tmpdir(), "postbus-catalog-"));
  const { model, config } = await exampleModel();
  const files = emitCatalog(model, config).filter((file) => file.path.startsWith(`${config.docs}/site/`));
  for (const file of files) {
    const target = path.join(folder, file.path);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.contents);
  }
  site = path.join(folder, config.docs, "site");
  sitePaths = files.map((file) =>
    path.relative(site, path.join(folder, file.path)).split(path.sep).join("/"),
  );
  context = await chromium.launchPersistentContext(path.join(folder, "user-data"), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env },
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  // Nothing may leave the machine: every request that is not a file is recorded and refused.
  await context.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith("file:")) return route.continue();
    networkRequests.push(url);
    return route.abort();
  });
  context.on("page", watchPage);
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (folder !== undefined) await rm(folder, { recursive: true, force: true });
});

const watched = new WeakSet<Page>();

function watchPage(page: Page): void {
  watched.add(page);
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  page.on("requestfailed", (request) => {
    if (request.url().startsWith("file:")) consoleErrors.push(`${request.url()}: failed to load`);
  });
}

async function openPage(relative: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage());
  if (!watched.has(page)) watchPage(page);
  await page.goto(pathToFileURL(path.join(site, relative)).href);
  return page;
}

const visibleNames = (page: Page) => page.locator("#events li:not([hidden]) a.name").allTextContents();

describe("the HTML catalog in headless Chromium", () => {
  test("searching narrows the list and a result opens its event page", async () => {
    const page = await openPage("index.html");
    const all = await visibleNames(page);
    expect(all).toHaveLength(11);
    await page.fill("#search", "signal");
    const narrowed = await visibleNames(page);
    expect(narrowed.length).toBeGreaterThan(0);
    expect(narrowed.length).toBeLessThan(all.length);
    expect(narrowed).toContain("signal.triggered");
    await expect
      .poll(() => page.locator("#count").textContent())
      .toBe(`${narrowed.length} of 11 event types`);
    expect(page.url()).toContain("#q=signal");
    await page.fill("#search", "");
    await page.selectOption('select[name="producer"]', "risk");
    expect(await visibleNames(page)).toEqual(["risk.check.completed", "risk.check.rejected"]);
    await page.selectOption('select[name="producer"]', "");
    await page.selectOption('select[name="consumer"]', "signals");
    expect(await visibleNames(page)).toEqual(["setup.rejected"]);
    await page.selectOption('select[name="consumer"]', "");
    await page.selectOption('select[name="domain"]', "orders");
    expect(await visibleNames(page)).toEqual(["order.cancelled", "order.placed"]);
    await page.selectOption('select[name="domain"]', "");

    await page.fill("#search", "order placed");
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-index.png"), fullPage: true });
    await page.click('#events li:not([hidden]) a.name:text-is("order.placed")');
    await page.waitForURL(/events\/order\.placed\.html$/);
    expect(await page.locator("h1").textContent()).toContain("order.placed");
    expect(await page.locator("#channel").textContent()).toBe("orders");
    const fields = await page.locator("#v2 table.fields tbody tr td:first-child").allTextContents();
    expect(fields).toEqual([
      "orderId",
      "setupId",
      "symbol",
      "side",
      "quantity",
      "orderType",
      "limitPrice",
      "timeInForce",
      "placedAt",
    ]);
    expect(await page.locator("#history tbody tr, #history + .table-wrap tbody tr").count()).toBe(2);
    expect(await page.locator(".badge.breaking").count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-event.png"), fullPage: true });
  }, 60_000);

  test("a deep link opens the list already filtered", async () => {
    const page = await openPage("index.html");
    await page.goto(`${pathToFileURL(path.join(site, "index.html")).href}#q=validity`);
    await page.reload();
    expect(await visibleNames(page)).toEqual(["signal.expired"]);
    expect(await page.inputValue("#search")).toBe("validity");
    await page.goto(`${pathToFileURL(path.join(site, "index.html")).href}#owner=risk-desk&q=expired`);
    await page.reload();
    expect(await visibleNames(page)).toEqual([]);
    await page.fill("#search", "");
    expect(await visibleNames(page)).toEqual([
      "risk.check.completed",
      "risk.check.rejected",
      "risk.check.requested",
    ]);
  }, 60_000);

  test("search finds events by a field name, a field's type or format, a definition and a field's description", async () => {
    const page = await openPage("index.html");
    const definitionsFound = () => page.locator("#definitions li:not([hidden]) a.name").allTextContents();
    expect(await page.locator("#definition-results").isVisible()).toBe(false);
    // A field name: only the events that have the field, in any version.
    await page.fill("#search", "limitPrice");
    expect(await visibleNames(page)).toEqual(["order.placed"]);
    await page.fill("#search", "remainingQuantity");
    expect(await visibleNames(page)).toEqual(["order.cancelled"]);
    // A format: every event with a uuid field.
    await page.fill("#search", "uuid");
    expect((await visibleNames(page)).length).toBeGreaterThanOrEqual(9);
    // A definition by name: the events whose fields are of that type, and the definition itself.
    await page.fill("#search", "ticker");
    const withTicker = await visibleNames(page);
    expect(withTicker).toContain("signal.triggered");
    expect(withTicker).toContain("order.placed");
    expect(withTicker).not.toContain("order.cancelled");
    expect(await definitionsFound()).toEqual(["Money", "Ticker"]);
    await expect
      .poll(() => page.locator("#definition-count").textContent())
      .toBe("2 of 7 shared definitions");
    // Words of a field's description, in one event only.
    await page.fill("#search", "time in force ran out");
    expect(await visibleNames(page)).toEqual(["order.cancelled"]);
    expect(await definitionsFound()).toEqual([]);
    // A definition's own constraint, reached through another definition.
    await page.fill("#search", "stablecoin");
    expect(await definitionsFound()).toEqual(["Money"]);
    expect((await visibleNames(page)).length).toBeGreaterThan(0);
    await page.fill("#search", "ticker");
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-search-fields.png"), fullPage: true });
    await page.click('#definitions a.name:text-is("Ticker")');
    await page.waitForURL(/definitions\.html#def-Ticker$/);
  }, 60_000);

  test("descriptions render as Markdown: lists, links and code, with HTML as text", async () => {
    const page = await openPage("events/order.cancelled.html");
    const reason = page.locator("#v1 table.fields tbody tr", { hasText: "reason" }).locator("td").last();
    expect(await reason.locator("li").allTextContents()).toEqual([
      "user: the trader, from the UI;",
      "expired: its time in force ran out;",
      "risk-limit: risk closed it (see risk.check.completed);",
      "exchange: the exchange, e.g. on a halt.",
    ]);
    expect(await reason.locator("li code").count()).toBe(5);
    await page.goto(pathToFileURL(path.join(site, "definitions.html")).href);
    const money = page.locator("#def-Money .prose, #def-Money tr", { hasText: "ISO 4217" }).first();
    expect(await money.locator("a").getAttribute("href")).toBe(
      "https://www.iso.org/iso-4217-currency-codes.html",
    );
    expect(await money.locator("strong").textContent()).toBe("ticker");
  }, 60_000);

  test("each owner, domain and slice has a page, reached from the index and from event pages", async () => {
    const page = await openPage("index.html");
    expect(await page.locator("#owners + ul a").allTextContents()).toEqual([
      "ana@example.com",
      "execution-team",
      "ledger-team",
      "quant-research",
      "risk-desk",
    ]);
    await page.selectOption('select[name="owner"]', "execution-team");
    expect(await visibleNames(page)).toEqual(["fill.received", "order.cancelled", "order.placed"]);
    await page.selectOption('select[name="owner"]', "");

    await page.click('header nav a:text-is("Owners")');
    await page.click('#owners + ul a:text-is("execution-team")');
    await page.waitForURL(/owners\/execution-team\.html$/);
    expect(await page.locator("h1").textContent()).toBe("Owner execution-team");
    expect(await page.locator("ul.events a.name").allTextContents()).toEqual([
      "fill.received",
      "order.cancelled",
      "order.placed",
    ]);
    expect(await page.locator(".graph svg g.node.event").count()).toBe(3);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-owner.png"), fullPage: true });

    await page.click('ul.events a.name:text-is("order.placed")');
    await page.waitForURL(/events\/order\.placed\.html$/);
    expect(await page.locator("#owners").textContent()).toBe("execution-team");
    await page.click('#domain a:text-is("orders")');
    await page.waitForURL(/domains\/orders\.html$/);
    expect(await page.locator("h1").textContent()).toBe("Domain orders");
    expect(await page.locator("ul.events a.name").allTextContents()).toEqual([
      "order.cancelled",
      "order.placed",
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-domain.png"), fullPage: true });

    await page.click('ul.events li:has(a.name:text-is("order.placed")) a:text-is("risk")');
    await page.waitForURL(/slices\/risk\.html$/);
    expect(await page.locator("h1").textContent()).toBe("Slice risk");
    expect(await page.locator("#produces + ul a.name").allTextContents()).toEqual([
      "risk.check.completed",
      "risk.check.rejected",
    ]);
    expect(await page.locator("#consumes + ul a.name").allTextContents()).toContain("order.placed");
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-slice.png"), fullPage: true });
  }, 60_000);

  test("the graph narrows to one event's neighbourhood, as a deep link, and each event page draws its own", async () => {
    const page = await openPage("index.html");
    const shown = (selector: string) =>
      page
        .locator(`#graph-view svg ${selector}`)
        .evaluateAll((nodes) =>
          nodes
            .filter((node) => (node.closest("a") ?? node).getAttribute("class")?.includes("outside") !== true)
            .map((node) => node.getAttribute("data-event") ?? node.getAttribute("data-slice")),
        );
    const fullHeight = await page.locator("#graph-view svg").getAttribute("height");
    await page.selectOption("#graph-focus", "risk.check.requested");
    expect(await shown("g.node.event")).toEqual([
      "risk.check.completed",
      "risk.check.rejected",
      "risk.check.requested",
    ]);
    expect(await shown("g.node.producer")).toEqual(["orders", "risk"]);
    expect(await shown("g.node.consumer")).toEqual(["orders", "risk"]);
    expect(await page.locator("#graph-view svg path.edge:visible").count()).toBe(6);
    expect(await page.locator("#graph-view svg path.reply:visible").count()).toBe(2);
    expect(Number(await page.locator("#graph-view svg").getAttribute("height"))).toBeLessThan(
      Number(fullHeight),
    );
    expect(page.url()).toContain("#focus=risk.check.requested");
    await page.locator("#graph").scrollIntoViewIfNeeded();
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-neighbourhood.png"), fullPage: true });

    await page.goto(`${pathToFileURL(path.join(site, "index.html")).href}#focus=order.cancelled`);
    await page.reload();
    expect(await shown("g.node.event")).toEqual(["order.cancelled"]);
    expect(await shown("g.node.consumer")).toEqual(["risk", "setups"]);
    await page.selectOption("#graph-focus", "");
    expect((await shown("g.node.event")).length).toBe(11);
    expect(await page.locator("#graph-view svg").getAttribute("height")).toBe(fullHeight);

    await page.goto(pathToFileURL(path.join(site, "events/risk.check.rejected.html")).href);
    const own = page.locator("#neighbourhood + p + .graph svg");
    expect(
      await own
        .locator("g.node.event")
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-event"))),
    ).toEqual(["risk.check.rejected", "risk.check.requested"]);
    expect(await own.locator("g.node.event.focus").getAttribute("data-event")).toBe("risk.check.rejected");
  }, 60_000);

  test("the graph renders every event and slice as a node, and graph.svg loads on its own", async () => {
    const page = await openPage("index.html");
    const events = page.locator(".graph svg g.node.event");
    expect(await events.count()).toBe(11);
    const box = await page.locator(".graph svg").boundingBox();
    expect(box?.width ?? 0).toBeGreaterThan(300);
    expect(box?.height ?? 0).toBeGreaterThan(300);
    expect(await page.locator(".graph svg path.edge").count()).toBeGreaterThan(20);
    expect(await page.locator(".graph svg path.reply").count()).toBe(2);
    expect(await page.locator(".graph svg text.reply-label").allTextContents()).toEqual([
      "reply",
      "error reply",
    ]);
    await page.locator("#graph").scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-graph.png"), fullPage: true });
    await page.goto(pathToFileURL(path.join(site, "graph.svg")).href);
    expect(await page.locator("svg g.node.event").count()).toBe(11);
  }, 60_000);

  test("is readable on a phone: no horizontal scrolling, and every column of each graph in view at 375 px", async () => {
    const page = await openPage("index.html");
    await page.setViewportSize({ width: 375, height: 812 });
    try {
      await page.reload();
      expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
      await page.screenshot({ path: path.join(ARTIFACTS, "catalog-phone.png"), fullPage: false });
      const pages = ["index.html", "events/order.placed.html", "slices/risk.html", "owners/risk-desk.html"];
      for (const relative of pages) {
        await page.goto(pathToFileURL(path.join(site, relative)).href);
        expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW), relative).toBeLessThanOrEqual(0);
        const reach = await page.evaluate<Record<string, number>>(GRAPH_REACH);
        expect(reach.viewport, relative).toBe(375);
        expect(reach.consumers, `${relative}: the consumer column`).toBeLessThanOrEqual(
          reach.viewport as number,
        );
        expect(reach.svg, `${relative}: the graph`).toBeLessThanOrEqual(reach.viewport as number);
      }
      await page.goto(pathToFileURL(path.join(site, "index.html")).href);
      await page.locator(".graph").screenshot({ path: path.join(ARTIFACTS, "catalog-phone-graph.png") });
      await page.goto(pathToFileURL(path.join(site, "events/order.placed.html")).href);
      await page.locator("#neighbourhood").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(ARTIFACTS, "catalog-phone-event.png"), fullPage: false });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }, 60_000);

  test("every page loads without console errors or network requests, and every internal link resolves", async () => {
    const page = await openPage("index.html");
    const pages = sitePaths.filter((file) => file.endsWith(".html") || file.endsWith(".svg"));
    const broken: string[] = [];
    const external = new Set<string>();
    for (const relative of pages) {
      await page.goto(pathToFileURL(path.join(site, relative)).href);
      const targets =
        await page.evaluate<{ value: string; resolved: string; described: boolean }[]>(LINK_TARGETS);
      for (const { value, resolved, described } of targets) {
        if (!resolved.startsWith("file:")) {
          // Only a link a description writes may leave the catalog; it is never followed on load.
          if (described && resolved.startsWith("https:")) external.add(resolved);
          else broken.push(`${relative}: ${value} leaves the catalog`);
          continue;
        }
        const url = new URL(resolved);
        const file = fileURLToPath(url);
        if (!existsSync(file)) {
          broken.push(`${relative}: ${value} (no such file)`);
          continue;
        }
        const id = decodeURIComponent(url.hash.slice(1));
        if (id === "" || id.includes("=")) continue; // no fragment, or a filter deep link
        const target = await readFile(file, "utf8");
        if (!target.includes(`id="${id}"`)) broken.push(`${relative}: ${value} (no element with id ${id})`);
      }
    }
    expect(broken).toEqual([]);
    expect([...external]).toEqual(["https://www.iso.org/iso-4217-currency-codes.html"]);
    expect(pages.filter((file) => /^(owners|domains|slices)\//.test(file)).length).toBe(15);
    expect(pages.length).toBeGreaterThan(27);
    expect(consoleErrors).toEqual([]);
    expect(networkRequests).toEqual([]);
  }, 60_000);
});

describe("the live catalog (postbus docs --database-url) in headless Chromium", () => {
  const db = useTestDatabase();
  let liveSite: string;

  beforeAll(async () => {
    const pool = db.pool({ max: 4 });
    await seedLiveDatabase(pool);
    const { model, config } = await exampleModel();
    const files = await liveCatalog(emitCatalog(model, config), model, config, { "database-url": db.url });
    const liveFolder = path.join(folder, "live");
    for (const file of files.filter((item) => item.path.startsWith(`${config.docs}/site/`))) {
      const target = path.join(liveFolder, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.contents);
    }
    liveSite = path.join(liveFolder, config.docs, "site");
  }, 60_000);

  test("an event page shows its live figures; its group link opens the group on the consumer groups page", async () => {
    const page = context.pages()[0] ?? (await context.newPage());
    if (!watched.has(page)) watchPage(page);
    await page.goto(pathToFileURL(path.join(liveSite, "events/order.placed.html")).href);
    expect(await page.locator("#live-count").textContent()).toBe("3");
    expect(await page.locator("#live-dead-letters").textContent()).toBe("1");
    expect(await page.locator("#live-last-seen").textContent()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const readers = await page
      .locator("#live-readers tbody tr")
      .evaluateAll((rows) =>
        rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent?.trim())),
      );
    expect(readers.map((cells) => [cells[0], cells[1], cells[3]])).toEqual([
      ["audit", "orders", "dead letters"],
      ["fulfilment", "orders", "lagging"],
    ]);
    expect(await page.locator("#live").isVisible()).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "catalog-live-event.png"), fullPage: true });

    await page.click('#live-readers a:text-is("fulfilment")');
    await page.waitForURL(/groups\.html#group-fulfilment$/);
    expect(await page.locator("#group-fulfilment .group-state").textContent()).toBe("lagging");
    expect(await page.locator("#group-archive").textContent()).toContain("does not hold retention back");
    expect(await page.locator("section.group h2").allTextContents()).toEqual([
      "archive",
      "audit",
      "fulfilment",
    ]);
    expect(await page.evaluate<number>(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);

    await page.goto(pathToFileURL(path.join(liveSite, "index.html")).href);
    await page.click('#live a:text-is("Consumer groups (3)")');
    await page.waitForURL(/groups\.html$/);
    expect(consoleErrors).toEqual([]);
    expect(networkRequests).toEqual([]);
  }, 60_000);
});
