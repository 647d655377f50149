import type { EventContract, SchemaDefinition } from "../ir/model.js";
import { isSchemaObject } from "./walk-schema.js";

/** What a TSDoc comment is made of. */
export interface DocParts {
  readonly summary?: string | undefined;
  readonly description?: string | undefined;
  readonly deprecated?: false | { readonly reason: string | undefined };
  readonly examples?: readonly unknown[];
  /** Extra lines after the description, e.g. `Event type: \`signal.triggered\``. */
  readonly remarks?: readonly string[];
}

/** The TSDoc text (without `/**` and `*\/`) for an event's payload type. */
export function eventDoc(event: EventContract): string {
  return docText({
    summary: event.title,
    description: event.description,
    remarks: [
      `Payload of \`${event.eventType}\` version ${event.version}, published on channel \`${event.channel}\`.`,
    ],
    deprecated: event.deprecated,
    examples: event.examples,
  });
}

/** The TSDoc text for a shared definition's type. */
export function definitionDoc(definition: SchemaDefinition): string {
  const schema = isSchemaObject(definition.schema) ? definition.schema : {};
  const deprecated = schema.deprecated === true ? { reason: undefined } : false;
  const examples = Array.isArray(schema.examples) ? schema.examples : [];
  return docText({ description: definition.description, deprecated, examples });
}

/** Joins the parts into TSDoc text: description, remarks, `@deprecated`, then one `@example` per example. */
export function docText(parts: DocParts): string {
  const blocks: string[] = [];
  const description = parts.description?.trim();
  const summary = parts.summary?.trim();
  if (summary && summary !== description) blocks.push(summary);
  if (description) blocks.push(description);
  if (parts.remarks && parts.remarks.length > 0) blocks.push(parts.remarks.join("\n"));
  if (parts.deprecated)
    blocks.push(`@deprecated ${parts.deprecated.reason ?? "Do not use in new code."}`.trim());
  for (const example of parts.examples ?? []) {
    blocks.push(["@example", "```json", JSON.stringify(example, null, 2), "```"].join("\n"));
  }
  return escapeComment(blocks.join("\n\n"));
}

/** `text` as a `/** … *\/` block, indented by `indent`. Empty text gives an empty string. */
export function docComment(text: string, indent = ""): string {
  if (text === "") return "";
  const lines = text.split("\n").map((line) => (line === "" ? `${indent} *` : `${indent} * ${line}`));
  return [`${indent}/**`, ...lines, `${indent} */`, ""].join("\n");
}

function escapeComment(text: string): string {
  return text.replaceAll("*/", "*\\/");
}
