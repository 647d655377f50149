import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { emitCatalog } from "../../codegen/src/emit/catalog/index.js";
import { contractModel, definition, event, ref, resolvedConfig } from "../codegen/emit/support/model.js";
import { exampleModel, REPOSITORY_ROOT } from "./support/example-catalog.js";

describe("emitCatalog on the example domain", () => {
  test("writes the Markdown catalog as in the snapshots", async () => {
    const { model, config } = await exampleModel();
    const markdown = emitCatalog(model, config).filter((file) => file.path.endsWith(".md"));
    expect(markdown.map((file) => file.path)).toContain("docs/catalog/events/order.placed.md");
    for (const file of markdown) {
      await expect(file.contents).toMatchFileSnapshot(
        `__snapshots__/${path.posix.relative(config.docs, file.path)}`,
      );
    }
  });

  test("is deterministic: two runs give byte-identical files in path order", async () => {
    const { model, config } = await exampleModel();
    const first = emitCatalog(model, config);
    const second = emitCatalog(structuredClone(model), config);
    expect(second).toEqual(first);
    const paths = first.map((file) => file.path);
    expect(paths).toEqual([...paths].sort());
  });

  test("the committed docs/catalog is what postbus docs writes", async () => {
    const { model, config } = await exampleModel();
    for (const file of emitCatalog(model, config)) {
      const onDisk = await readFile(path.join(REPOSITORY_ROOT, file.path), "utf8").catch(() => undefined);
      expect(onDisk, `${file.path} is stale: run postbus docs`).toBe(file.contents);
    }
  });
});

describe("emitCatalog markings", () => {
  const model = contractModel({
    definitions: [definition("Side", { type: "string", enum: ["buy", "sell"] })],
    events: [
      event(
        "order.placed",
        { type: "object", properties: { side: ref("Side") } },
        {
          deprecated: { reason: "Use version 2." },
        },
      ),
      event("order.placed", { type: "object", properties: { side: ref("Side") } }, { version: 2 }),
      event("order.sunset", { type: "object" }, { deprecated: { reason: undefined } }),
    ],
  });
  const files = emitCatalog(model, resolvedConfig());
  const contents = (suffix: string) => files.find((file) => file.path.endsWith(suffix))?.contents ?? "";

  test("marks an older version as deprecated, and a newer version with the same schema as compatible, not breaking", () => {
    const page = contents("events/order.placed.md");
    expect(page).toContain("# order.placed\n");
    expect(page).toContain("| Compatibility | v1 → v2: compatible under `BACKWARD` |");
    expect(page).toContain("## Version 1 — deprecated");
    expect(page).toContain("> **Deprecated.** Use version 2.");
    expect(contents("site/events/order.placed.html")).not.toContain('class="badge breaking"');
  });

  test("marks an event type whose every version is deprecated", () => {
    expect(contents("index.md")).toContain("[order.sunset](events/order.sunset.md) (deprecated)");
    expect(contents("site/index.html")).toMatch(/order\.sunset<\/a><span class="badge deprecated">/);
  });
});

describe("emitCatalog request and reply", () => {
  const object = { type: "object" };
  const model = contractModel({
    events: [
      event("quote.failed", object, { domain: "quotes" }),
      event("quote.given", object, { domain: "quotes" }),
      event("quote.requested", object, {
        domain: "quotes",
        responseType: "quote.given",
        errorResponseType: "quote.failed",
      }),
      event("ping.sent", object, { domain: "ping", responseType: "quote.given" }),
    ],
  });
  const files = emitCatalog(model, resolvedConfig());
  const contents = (suffix: string) => files.find((file) => file.path.endsWith(suffix))?.contents ?? "";

  test("a request's page links its reply and error reply and states the wire protocol", () => {
    const page = contents("events/quote.requested.md");
    expect(page).toContain("| Reply | [quote.given](quote.given.md) |");
    expect(page).toContain("| Error reply | [quote.failed](quote.failed.md) |");
    expect(page).toContain("## Request and reply");
    for (const fact of [
      "`metadata.reply_to`",
      "`metadata.expires_at`",
      "`metadata.request_id`",
      "`metadata.causation_id`",
      "`metadata.event_id`",
      "`metadata.reply_error: true`",
    ])
      expect(page).toContain(fact);
    const html = contents("site/events/quote.requested.html");
    expect(html).toContain('<dt>Reply</dt><dd><a href="quote.given.html">quote.given</a></dd>');
    expect(html).toContain('<dt>Error reply</dt><dd><a href="quote.failed.html">quote.failed</a></dd>');
    expect(html).toContain('<h2 id="request-reply">Request and reply</h2>');
    expect(html).toContain("<code>metadata.reply_to</code>");
  });

  test("a request without an error reply has no error reply fact nor reply_error in its protocol", () => {
    const page = contents("events/ping.sent.md");
    expect(page).toContain("| Reply | [quote.given](quote.given.md) |");
    expect(page).not.toContain("Error reply");
    expect(page).not.toContain("reply_error");
  });

  test("a request's snippet requests and responds instead of publishing and subscribing", () => {
    const page = contents("events/quote.requested.md");
    expect(page).toContain("## Request and respond");
    expect(page).not.toContain("## Publish and subscribe");
    expect(page).toContain(
      'const reply = await bus.request("quote.requested", { /* … */ }, { timeoutMs: 5_000 });',
    );
    expect(page).toContain("// reply.data is QuoteGiven; an error reply (QuoteFailed) rejects");
    expect(page).toContain(
      '  requestType: "quote.requested",\n  handler: async (request, { replyError }) => {',
    );
    expect(page).toContain("replyError(data) answers with a QuoteFailed");
    expect(contents("events/ping.sent.md")).toContain("  handler: async (request) => {");
    expect(contents("site/events/quote.requested.html")).toContain('<h2 id="usage">Request and respond</h2>');
    expect(contents("events/quote.given.md")).toContain("## Publish and subscribe");
  });

  test("reply events link back to the requests they answer", () => {
    expect(contents("events/quote.given.md")).toContain(
      "| Reply to | [ping.sent](ping.sent.md), [quote.requested](quote.requested.md) |",
    );
    expect(contents("events/quote.failed.md")).toContain(
      "| Error reply to | [quote.requested](quote.requested.md) |",
    );
    expect(contents("events/quote.failed.md")).not.toContain("## Request and reply");
    expect(contents("site/events/quote.failed.html")).toContain(
      '<dt>Error reply to</dt><dd><a href="quote.requested.html">quote.requested</a></dd>',
    );
  });

  test("the graph joins each request to its reply and error reply with labelled dashed arcs", () => {
    const svg = contents("site/graph.svg");
    const arcs = [
      ...svg.matchAll(
        /<path class="reply[^"]*" data-relation="([^"]+)" data-from="([^"]+)" data-to="([^"]+)"/g,
      ),
    ];
    expect(arcs.map(([, relation, from, to]) => `${from} -${relation}-> ${to}`)).toEqual([
      "ping.sent -reply-> quote.given",
      "quote.requested -reply-> quote.given",
      "quote.requested -error reply-> quote.failed",
    ]);
    expect(svg).toContain('marker-end="url(#error-reply-arrow)"');
    expect(svg).toContain(">error reply</text>");
    expect(contents("site/index.html")).toContain('data-relation="error reply"');
  });

  test("the site's list marks requests and replies and links them", () => {
    const index = contents("site/index.html");
    expect(index).toContain(
      '<div class="meta">request · reply <a href="events/quote.given.html">quote.given</a> · error reply <a href="events/quote.failed.html">quote.failed</a></div>',
    );
    expect(index).toContain(
      '<div class="meta">reply to <a href="events/ping.sent.html">ping.sent</a> · reply to <a href="events/quote.requested.html">quote.requested</a></div>',
    );
    expect(index).toContain(
      '<div class="meta">error reply to <a href="events/quote.requested.html">quote.requested</a></div>',
    );
  });

  test("the graph has no reply arcs and no markers when no event is a request", async () => {
    const plain = emitCatalog(contractModel({ events: [event("a.b", object)] }), resolvedConfig());
    const svg = plain.find((file) => file.path.endsWith("graph.svg"))?.contents ?? "";
    expect(svg).not.toContain("<defs>");
    expect(svg).not.toContain('class="replies"');
  });
});
