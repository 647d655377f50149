/**
 * Compile-time behaviour of typed request-response: `tsc -p tsconfig.json` checks the
 * `@ts-expect-error` lines and `expectTypeOf` assertions; vitest only runs trivial bodies.
 */
import type {
  DeliveredContract,
  ErrorResponseTypeOf,
  PostbusReplyError,
  RequestTypeOf,
  ResponseTypeOf,
  StoredEvent,
  TypedPostbus,
} from "@postbus/client";
import { describe, expectTypeOf, test } from "vitest";
import type { contracts } from "./support/quote-contracts.js";

type Contracts = typeof contracts;
declare const bus: TypedPostbus<Contracts>;
const never = (_: (...args: never[]) => unknown): void => {};

describe("typed request-response", () => {
  test("request types, reply types and error reply types come from the registry", () => {
    expectTypeOf<RequestTypeOf<Contracts>>().toEqualTypeOf<"quote.requested">();
    expectTypeOf<ResponseTypeOf<Contracts, "quote.requested">>().toEqualTypeOf<"quote.given">();
    expectTypeOf<ErrorResponseTypeOf<Contracts, "quote.requested">>().toEqualTypeOf<"quote.refused">();
  });

  test("request takes the request's payload and resolves to the typed reply", () => {
    never(async () => {
      const reply = await bus.request("quote.requested", { symbol: "BTC-USD", quantity: 1 });
      expectTypeOf(reply.type).toEqualTypeOf<"quote.given">();
      expectTypeOf(reply.data).toEqualTypeOf<{ symbol: string; quantity: number; price: number }>();
      // @ts-expect-error tick is not a request type
      await bus.request("tick", { n: 1 });
      // @ts-expect-error quantity is a number
      await bus.request("quote.requested", { symbol: "BTC-USD", quantity: "1" });
      // @ts-expect-error the channel comes from the contract
      await bus.request("quote.requested", { symbol: "A", quantity: 1 }, { channel: "elsewhere" });
    });
  });

  test("isErrorReply narrows to the typed error reply", () => {
    never((error: unknown) => {
      if (bus.isErrorReply(error, "quote.requested")) {
        expectTypeOf(error).toEqualTypeOf<
          PostbusReplyError<
            StoredEvent<"quote.refused", { code: "unknown-symbol" | "too-large"; message: string }> & {
              readonly contract: DeliveredContract;
            }
          >
        >();
        expectTypeOf(error.reply.data.code).toEqualTypeOf<"unknown-symbol" | "too-large">();
      }
    });
  });

  test("respond's handler gets the typed request and must return the reply's payload or a typed error reply", () => {
    never(() => {
      bus.respond({
        requestType: "quote.requested",
        handler: (request, { replyError, requestId }) => {
          expectTypeOf(request.data).toEqualTypeOf<{ symbol: string; quantity: number }>();
          expectTypeOf(requestId).toEqualTypeOf<string>();
          if (request.data.quantity > 10) return replyError({ code: "too-large", message: "max 10" });
          return { symbol: request.data.symbol, quantity: request.data.quantity, price: 1 };
        },
      });
      bus.respond({
        requestType: "quote.requested",
        // @ts-expect-error the reply needs a price
        handler: (request) => ({ symbol: request.data.symbol, quantity: 1 }),
      });
      bus.respond({
        requestType: "quote.requested",
        // @ts-expect-error not a code of the error reply's contract
        handler: (_request, { replyError }) => replyError({ code: "nope", message: "x" }),
      });
      // @ts-expect-error tick is not a request type
      bus.respond({ requestType: "tick", handler: () => ({}) });
    });
  });
});
