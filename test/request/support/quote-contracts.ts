/**
 * A hand-written registry shaped like a generated one, with a request type that
 * declares a reply and an error reply (on a channel of its own), for the
 * request-response tests.
 */
import type { ContractRegistry } from "@postbus/client";
import { z } from "zod";

const QuoteRequested = z.strictObject({ symbol: z.string().min(1), quantity: z.number().positive() });
const QuoteGiven = z.strictObject({ symbol: z.string(), quantity: z.number(), price: z.number().positive() });
const QuoteRefused = z.strictObject({ code: z.enum(["unknown-symbol", "too-large"]), message: z.string() });
const Tick = z.strictObject({ n: z.number().int() });

/** Request `quote.requested` on `quote-requests` → reply `quote.given`, or error reply `quote.refused`, on `quotes`. */
export const contracts = {
  "quote.requested": {
    eventType: "quote.requested",
    channel: "quote-requests",
    schema: QuoteRequested,
    responseType: "quote.given",
    errorResponseType: "quote.refused",
  },
  "quote.given": {
    eventType: "quote.given",
    channel: "quotes",
    schema: QuoteGiven,
    responseType: null,
    errorResponseType: null,
  },
  "quote.refused": {
    eventType: "quote.refused",
    channel: "quotes",
    schema: QuoteRefused,
    responseType: null,
    errorResponseType: null,
  },
  tick: { eventType: "tick", channel: "quotes", schema: Tick, responseType: null, errorResponseType: null },
} as const satisfies ContractRegistry;

/** The price the test responders quote: deterministic, so requesters can check their own reply. */
export const priceOf = (symbol: string, quantity: number): number =>
  Math.round([...symbol].reduce((sum, char) => sum + char.charCodeAt(0), 0) * quantity * 100) / 100;
