import type { EventContract } from "../../ir/model.js";
import { jsLiteral } from "./js-literal.js";

/** The newest version of an event type of the model, if it has one. */
export type LatestEvent = (eventType: string) => EventContract | undefined;

/** The heading of {@link typedSnippet}'s section. */
export function snippetHeading(event: EventContract): string {
  return event.responseType === undefined ? "Publish and subscribe" : "Request and respond";
}

/**
 * A typed example for an event's newest version: the typed client with the generated package's
 * contracts, its first example as the payload. A request (an event with a `response`) gets
 * `request` and `respond` with its reply's first example as the reply; any other event `publish` and
 * `subscribe` with its first consumer as the group.
 */
export function typedSnippet(event: EventContract, typesPackage: string, latest: LatestEvent): string {
  if (event.responseType !== undefined)
    return requestSnippet(event, event.responseType, typesPackage, latest);
  const producer = event.producers[0] ?? event.domain;
  const group = event.consumers[0] ?? "my-slice";
  const payload = event.examples.length > 0 ? jsLiteral(event.examples[0]) : "{ /* … */ }";
  return [
    `import { createTypedPostbus } from "@postbus/client";`,
    `import { contracts } from "${typesPackage}";`,
    "",
    `const bus = createTypedPostbus({ db: pool, contracts, producer: ${JSON.stringify(producer)} });`,
    "",
    `await bus.publish(${JSON.stringify(event.eventType)}, ${payload});`,
    "",
    "bus.subscribe({",
    `  group: ${JSON.stringify(group)},`,
    `  channels: [${JSON.stringify(event.channel)}],`,
    "  handler: async (event) => {",
    `    if (event.type === ${JSON.stringify(event.eventType)}) {`,
    `      // event.data is ${event.typeName}`,
    "    }",
    "  },",
    "});",
  ].join("\n");
}

function requestSnippet(
  event: EventContract,
  responseType: string,
  typesPackage: string,
  latest: LatestEvent,
): string {
  const producer = event.producers[0] ?? event.domain;
  const payload = event.examples.length > 0 ? jsLiteral(event.examples[0]) : "{ /* … */ }";
  const reply = latest(responseType);
  const replyType = reply?.typeName ?? responseType;
  const replyData =
    reply !== undefined && reply.examples.length > 0 ? jsLiteral(reply.examples[0], "    ") : "{ /* … */ }";
  const error = event.errorResponseType === undefined ? undefined : latest(event.errorResponseType);
  const errorType = error?.typeName ?? event.errorResponseType;
  const type = JSON.stringify(event.eventType);
  return [
    `import { createTypedPostbus } from "@postbus/client";`,
    `import { contracts } from "${typesPackage}";`,
    "",
    `const bus = createTypedPostbus({ db: pool, contracts, producer: ${JSON.stringify(producer)} });`,
    "",
    "// The requester: publishes the request and waits for its reply.",
    `const reply = await bus.request(${type}, ${payload}, { timeoutMs: 5_000 });`,
    `// reply.data is ${replyType}${errorType === undefined ? "" : `; an error reply (${errorType}) rejects: bus.isErrorReply(error, ${type})`}`,
    "",
    "// The responder, a consumer group: the reply commits with its cursor.",
    "bus.respond({",
    `  requestType: ${type},`,
    `  handler: async (request${errorType === undefined ? "" : ", { replyError }"}) => {`,
    `    // request.data is ${event.typeName}${errorType === undefined ? "" : `; replyError(data) answers with a ${errorType}`}`,
    `    return ${replyData}; // a ${replyType}`,
    "  },",
    "});",
  ].join("\n");
}
