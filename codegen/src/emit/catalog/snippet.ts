import type { EventContract } from "../../ir/model.js";
import { jsLiteral } from "./js-literal.js";

/**
 * A typed publish/subscribe example for an event's newest version: the typed client with the
 * generated package's contracts, its first example as the payload and its first consumer as the group.
 */
export function typedSnippet(event: EventContract, typesPackage: string): string {
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
