import { Parser } from "@asyncapi/parser";
import { describe, expect, test } from "vitest";
import { emitAsyncApi } from "../../codegen/src/emit/asyncapi/index.js";
import { contractModel, definition, event, ref } from "../codegen/emit/support/model.js";
import { exampleModel } from "./support/example-catalog.js";

/** `DiagnosticSeverity.Error` of the parser's (Spectral's) diagnostics. */
const ERROR = 0;

describe("emitAsyncApi", () => {
  test("exports the example domain as an AsyncAPI 3.0 document the official parser accepts", async () => {
    const { model } = await exampleModel();
    const document = emitAsyncApi(model);
    const { document: parsed, diagnostics } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === ERROR);
    expect(errors.map((error) => `${error.path.join("/")}: ${error.message}`)).toEqual([]);
    expect(parsed).toBeDefined();
    expect(parsed?.version()).toBe("3.0.0");
    expect(
      parsed
        ?.channels()
        .all()
        .map((channel) => channel.address() ?? `(reply channel ${channel.id()})`)
        .sort(),
    ).toEqual([
      "(reply channel RiskCheckRequested__reply)",
      "fills",
      "orders",
      "risk",
      "setup.received",
      "setup.rejected",
      "signal.expired",
      "signal.triggered",
    ]);
    expect(parsed?.messages().all().length).toBe(model.events.length);
    expect(parsed?.operations().all().length).toBe(model.events.length * 2);
  });

  test("places shared definitions, payloads and nested enums under components/schemas and points refs at them", async () => {
    const { model } = await exampleModel();
    const document = emitAsyncApi(model) as {
      components: {
        schemas: Record<string, unknown>;
        messages: Record<string, { payload: unknown; "x-postbus": unknown }>;
      };
    };
    const names = Object.keys(document.components.schemas);
    expect(names).toEqual(expect.arrayContaining(model.definitions.map((definition) => definition.name)));
    expect(names).toEqual(expect.arrayContaining(model.events.map((event) => event.typeName)));
    expect(names).toContain("OrderCancelledReason");
    expect(document.components.messages.OrderPlacedV1?.payload).toEqual({
      $ref: "#/components/schemas/OrderPlacedV1",
    });
    const text = JSON.stringify(document);
    expect(text).not.toContain("#/$defs/");
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(document.components.schemas).toHaveProperty(name as string);
    expect(document.components.messages.OrderPlacedV1?.["x-postbus"]).toMatchObject({
      eventType: "order.placed",
      version: 1,
      channel: "orders",
      owners: ["execution-team"],
      deprecated: "Publish version 2: it names the order type and the time in force.",
    });
  });

  test("keeps 2020-12 keywords, recursive definitions and `:` in names acceptable to the parser", async () => {
    const model = contractModel({
      definitions: [definition("Node", { type: "object", properties: { next: ref("Node") } })],
      events: [
        event("tree:grown", {
          type: "object",
          properties: {
            tuple: { type: "array", prefixItems: [{ type: "string" }], items: { type: "number" } },
            map: { type: "object", dependentRequired: { a: ["b"] }, unevaluatedProperties: false },
            root: { $ref: "#/$defs/Node", description: "The root." },
            one: { const: 1 },
          },
        }),
      ],
    });
    const document = emitAsyncApi(model) as { channels: Record<string, { address: string }> };
    expect(document.channels.tree_grown?.address).toBe("tree:grown");
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR).map((d) => d.message)).toEqual(
      [],
    );
  });

  test("gives a request's operations a reply with its reply and error reply messages", async () => {
    const { model } = await exampleModel();
    const document = emitAsyncApi(model) as {
      channels: Record<string, { address: string | null; messages: Record<string, unknown> }>;
      operations: Record<string, { reply?: unknown }>;
      components: { messages: Record<string, { headers?: unknown; "x-postbus": unknown }> };
    };
    const { document: parsed } = await new Parser().parse(JSON.stringify(document));
    for (const id of ["sendRiskCheckRequested", "receiveRiskCheckRequested"]) {
      const reply = parsed?.operations().get(id)?.reply();
      expect(reply, id).toBeDefined();
      expect(
        reply
          ?.messages()
          .all()
          .map((message) => message.name()),
      ).toEqual(["RiskCheckCompleted", "RiskCheckRejected"]);
      expect(reply?.channel()?.id()).toBe("RiskCheckRequested__reply");
      expect(reply?.channel()?.address()).toBeNull();
      expect(reply?.address()?.location()).toBe("$message.header#/reply_to");
    }
    expect(document.operations.sendRiskCheckCompleted?.reply).toBeUndefined();
    expect(document.operations.sendRiskCheckRejected?.reply).toBeUndefined();
    const request = parsed
      ?.messages()
      .all()
      .find((message) => message.name() === "RiskCheckRequested");
    expect(Object.keys(request?.headers()?.properties() ?? {})).toEqual(["reply_to", "expires_at"]);
    expect(document.components.messages.RiskCheckRequested?.["x-postbus"]).toMatchObject({
      responseType: "risk.check.completed",
      errorResponseType: "risk.check.rejected",
    });
    expect(document.components.messages.RiskCheckCompleted?.headers).toBeUndefined();
  });

  test("a reply lists every version of the reply types and still validates", async () => {
    const object = { type: "object" };
    const model = contractModel({
      events: [
        event("quote.given", object, { channel: "quotes" }),
        event("quote.given", object, { channel: "quotes", version: 2 }),
        event("quote.requested", object, { channel: "quotes", responseType: "quote.given" }),
      ],
    });
    const document = emitAsyncApi(model) as {
      operations: Record<string, { reply?: { messages: { $ref: string }[] } }>;
    };
    expect(document.operations.sendQuoteRequested?.reply?.messages).toEqual([
      { $ref: "#/channels/QuoteRequested__reply/messages/QuoteGiven" },
      { $ref: "#/channels/QuoteRequested__reply/messages/QuoteGivenV2" },
    ]);
    const { diagnostics } = await new Parser().parse(JSON.stringify(document));
    expect(diagnostics.filter((diagnostic) => diagnostic.severity === ERROR).map((d) => d.message)).toEqual(
      [],
    );
  });

  test("is deterministic", async () => {
    const { model } = await exampleModel();
    expect(JSON.stringify(emitAsyncApi(structuredClone(model)))).toBe(JSON.stringify(emitAsyncApi(model)));
  });
});
