import type { Finding } from "../../compat/check-compatibility.js";
import type { ResolvedConfig } from "../../config/config.js";
import type { PartyOrigin } from "../../ir/code-parties.js";
import type { ContractModel, EventContract, GeneratedFile, SchemaDefinition } from "../../ir/model.js";
import { ContentMemo } from "../memo.js";
import {
  type CatalogEntry,
  catalogEntries,
  definitionDescriber,
  latestOf,
  replyProtocolText,
  replyRoles,
} from "./catalog-entries.js";
import {
  type CatalogGroup,
  type CatalogGroups,
  catalogGroups,
  type GroupKind,
  groupLookup,
} from "./catalog-groups.js";
import { type CatalogKeys, catalogKeys } from "./catalog-keys.js";
import { noFieldChanges } from "./field-changes.js";
import { groupMarkdownPages, groupPath } from "./group-pages.js";
import { cell, code, lines, MARKDOWN_BANNER, row } from "./markdown-text.js";
import { partyMark } from "./party-marks.js";
import { renamedMarkdownIndex, renamedMarkdownPages } from "./renamed-pages.js";
import {
  constraintsOf,
  type DescribeDefinition,
  type FieldRow,
  fieldRows,
  type TypePart,
  typeOf,
} from "./schema-fields.js";
import { snippetHeading, typedSnippet } from "./snippet.js";
import {
  counterexampleSides,
  findingReaders,
  siteText,
  verdictLabel,
  verdictReason,
} from "./transition-text.js";
import type { VersionTransition } from "./version-transitions.js";

/**
 * The Markdown catalog: `<docs>/index.md`, `<docs>/definitions.md`, one `<docs>/events/<event-type>.md`
 * per event type (every version, fields, examples, producers, consumers and owners, a typed snippet,
 * and what changed from the version before, with the checker's verdict) and a page per domain, slice
 * and owner (`group-pages.ts`).
 */
export function emitMarkdown(
  model: ContractModel,
  config: ResolvedConfig,
  entries: readonly CatalogEntry[] = catalogEntries(model, config.compatibility),
): GeneratedFile[] {
  const describe = definitionDescriber(model);
  const groups = catalogGroups(entries);
  const links = groupLinker(groups);
  const keys = catalogKeys(model, config, entries, groups);
  return [
    { path: `${config.docs}/index.md`, contents: indexPage(entries, model, groups, links) },
    {
      path: `${config.docs}/definitions.md`,
      contents: definitionPages.get(keys.context, () => definitionsPage(model.definitions, describe)),
    },
    ...entries.map((entry) => ({
      path: `${config.docs}/events/${entry.slug}.md`,
      contents: eventPages.get(keys.page(entry), () =>
        eventPage(entry, keys.neighbourhood(entry), config.types.name, describe, links),
      ),
    })),
    ...renamedMarkdownPages(entries, config.docs),
    ...groupMarkdownPages(groups, config.docs, keys),
  ];
}

/** Rendered event pages by {@link CatalogKeys.page} (`--watch` re-renders what changed). */
const eventPages = new ContentMemo<string>(10_000);
/** The definitions page by {@link CatalogKeys.context}. */
const definitionPages = new ContentMemo<string>(100);

/** Markdown links to the pages of a group kind's names, from a page at `root` (`""` or `"../"`). */
type GroupLinker = (
  kind: GroupKind,
  names: readonly string[],
  root: string,
  origins?: ReadonlyMap<string, PartyOrigin>,
) => string;

function groupLinker(groups: CatalogGroups): GroupLinker {
  const find = groupLookup(groups);
  return (kind, names, root, origins) =>
    names.length === 0
      ? "none declared"
      : names
          .map((name) => {
            const target = find(kind, name);
            const marked = partyMark(name, origins);
            const mark = marked === "" ? "" : ` ${cell(marked.trim())}`;
            return `${target === undefined ? cell(name) : `[${cell(name)}](${root}${groupPath(target)}.md)`}${mark}`;
          })
          .join(", ");
}

function indexPage(
  entries: readonly CatalogEntry[],
  model: ContractModel,
  groups: CatalogGroups,
  links: GroupLinker,
): string {
  const rows = entries.map((entry) =>
    row([
      `[${cell(entry.eventType)}](events/${entry.slug}.md)${status(entry)}`,
      entry.versions.map((event) => event.version).join(", "),
      code(entry.latest.channel),
      links("domain", [entry.latest.domain], ""),
      links("slice", entry.producers, ""),
      links("slice", entry.consumers, ""),
      links("owner", entry.owners, ""),
      cell(entry.latest.description ?? entry.latest.title ?? ""),
    ]),
  );
  const groupList = (heading: string, list: readonly CatalogGroup[], none: string) => [
    "",
    `## ${heading}`,
    "",
    ...(list.length === 0 ? [none] : list.map((group) => `- [${cell(group.name)}](${groupPath(group)}.md)`)),
  ];
  return lines([
    MARKDOWN_BANNER,
    "",
    "# Event catalog",
    "",
    `${entries.length} event types, ${model.events.length} contract versions, ${model.definitions.length} shared definitions.`,
    "Browse the [HTML catalog](site/index.html) to search and filter, or see the [definitions](definitions.md).",
    "",
    row(["Event", "Versions", "Channel", "Domain", "Producers", "Consumers", "Owners", "Description"]),
    row(["---", "---", "---", "---", "---", "---", "---", "---"]),
    ...rows,
    ...renamedMarkdownIndex(entries),
    ...groupList("Domains", groups.domains, "No domains."),
    ...groupList("Slices", groups.slices, "No producers or consumers declared."),
    ...groupList("Owners", groups.owners, "No owners declared: list them in `x-postbus.owners`."),
    "",
    "## Who produces and consumes what",
    "",
    "![Producers, events and consumers](site/graph.svg)",
  ]);
}

function eventPage(
  entry: CatalogEntry,
  entries: readonly CatalogEntry[],
  typesPackage: string,
  describe: DescribeDefinition,
  groupLinks: GroupLinker,
): string {
  const latest = entry.latest;
  const facts: [string, string][] = [
    ["Channel", code(latest.channel)],
    ["Domain", groupLinks("domain", [latest.domain], "../")],
    ["Owners", groupLinks("owner", entry.owners, "../")],
    ["Versions", entry.versions.map((event) => event.version).join(", ")],
    ...(entry.transitions.length === 0
      ? []
      : [["Compatibility", entry.transitions.map(transitionSummary).join("<br>")] as [string, string]]),
    ["Producers", groupLinks("slice", entry.producers, "../", entry.origins?.producers)],
    ["Consumers", groupLinks("slice", entry.consumers, "../", entry.origins?.consumers)],
    ["TypeScript type", code(latest.typeName)],
    ...(latest.renamedFrom.length === 0
      ? []
      : [["Renamed from", latest.renamedFrom.map((name) => code(name)).join(", ")] as [string, string]]),
  ];
  if (latest.responseType !== undefined) facts.push(["Reply", eventLink(latest.responseType, entries, "")]);
  if (latest.errorResponseType !== undefined)
    facts.push(["Error reply", eventLink(latest.errorResponseType, entries, "")]);
  const roles = replyRoles(entry, entries);
  const links = (requests: readonly CatalogEntry[]) =>
    requests.map((other) => eventLink(other.eventType, entries, "")).join(", ");
  if (roles.replyTo.length > 0) facts.push(["Reply to", links(roles.replyTo)]);
  if (roles.errorReplyTo.length > 0) facts.push(["Error reply to", links(roles.errorReplyTo)]);
  const protocol = replyProtocolText(latest);
  return lines([
    MARKDOWN_BANNER,
    "",
    `# ${entry.eventType}${status(entry)}`,
    "",
    ...deprecationNote(latest),
    ...(latest.title ? [`**${latest.title}.** ${latest.description ?? ""}`.trimEnd(), ""] : []),
    ...(!latest.title && latest.description ? [latest.description, ""] : []),
    row(["Fact", "Value"]),
    row(["---", "---"]),
    ...facts.map(([name, value]) => row([name, value])),
    "",
    ...(protocol === undefined ? [] : ["## Request and reply", "", protocol, ""]),
    `## ${snippetHeading(latest)}`,
    "",
    "```ts",
    typedSnippet(latest, typesPackage, latestOf(entries)),
    "```",
    "",
    ...entry.versions.flatMap((event) => versionSection(event, entry, describe)),
  ]);
}

function versionSection(event: EventContract, entry: CatalogEntry, describe: DescribeDefinition): string[] {
  const latest = event === entry.latest;
  const heading = `## Version ${event.version}${latest ? " (latest)" : ""}${event.deprecated === false ? "" : " — deprecated"}`;
  const examples = event.examples.flatMap((example) => [
    "```json",
    JSON.stringify(example, null, 2),
    "```",
    "",
  ]);
  return [
    heading,
    "",
    ...(latest ? [] : deprecationNote(event)),
    ...(!latest && event.description ? [event.description, ""] : []),
    `Channel ${code(event.channel)}, type ${code(event.typeName)}, schema \`${event.source.file}\`.`,
    "",
    ...changesSection(entry.transitions.find((transition) => transition.to === event)),
    "### Fields",
    "",
    ...fieldsTable(fieldRows(event.schema, describe), "../definitions.md"),
    "",
    ...(examples.length > 0 ? ["### Examples", "", ...examples] : []),
  ];
}

function transitionSummary(transition: VersionTransition): string {
  return `v${transition.from.version} → v${transition.to.version}: ${verdictLabel(transition.verdict)} under ${code(transition.mode)}`;
}

/** What changed from the version before: the verdict, the fields, the findings with their counterexamples. */
function changesSection(transition: VersionTransition | undefined): string[] {
  if (transition === undefined) return [];
  const { from, to, fields } = transition;
  const verdict = verdictLabel(transition.verdict);
  const fieldLines = noFieldChanges(fields)
    ? ["No field added, removed or changed."]
    : [
        row(["Field", "Change", `Version ${from.version}`, `Version ${to.version}`]),
        row(["---", "---", "---", "---"]),
        ...fields.added.map((field) => row([code(field.path), "added", "—", fieldCell(field)])),
        ...fields.removed.map((field) => row([code(field.path), "removed", fieldCell(field), "—"])),
        ...fields.changed.map((field) =>
          row([code(field.path), "changed", fieldCell(field.before), fieldCell(field.after)]),
        ),
      ];
  return [
    `### Changes from version ${from.version}`,
    "",
    `**${verdict.charAt(0).toUpperCase()}${verdict.slice(1)}** under ${code(transition.mode)}: ${verdictReason(transition)}`,
    "",
    ...fieldLines,
    "",
    ...transition.findings.flatMap((finding, index) => findingItem(finding, index)),
  ];
}

function findingItem(finding: Finding, index: number): string[] {
  const [writer, reader] = counterexampleSides(finding);
  const at = [
    siteText(finding.old) === undefined ? undefined : `old ${code(siteText(finding.old) as string)}`,
    siteText(finding.new) === undefined ? undefined : `new ${code(siteText(finding.new) as string)}`,
  ].filter((part) => part !== undefined);
  const head = `${index + 1}. **${finding.severity === "breaking" ? "Breaking" : "Cannot prove"}** (${code(finding.rule)}): ${cell(finding.change)}, for ${findingReaders(finding)}. Where: ${at.join(", ")}.`;
  if (finding.counterexample === undefined) return [head, `   ${cell(finding.hint)}`, ""];
  return [
    head,
    `   Counterexample, valid under version ${writer} and rejected by version ${reader}${finding.rejection === undefined ? "" : ` (${code(finding.rejection)})`}:`,
    "",
    "   ```json",
    ...JSON.stringify(finding.counterexample, null, 2)
      .split("\n")
      .map((line) => `   ${line}`),
    "   ```",
    "",
  ];
}

/** A field's type, whether it is required and its constraints, in one table cell. */
function fieldCell(field: FieldRow): string {
  return [
    typeText(field.type, "../definitions.md"),
    field.required ? "required" : "optional",
    ...field.constraints.map((constraint) => code(constraint)),
  ].join(", ");
}

function definitionsPage(definitions: readonly SchemaDefinition[], describe: DescribeDefinition): string {
  return lines([
    MARKDOWN_BANNER,
    "",
    "# Shared definitions",
    "",
    ...definitions.flatMap((definition) => {
      const fields = fieldRows(definition.schema, describe);
      return [
        `## ${definition.name}`,
        "",
        ...(definition.description ? [definition.description, ""] : []),
        `Type: ${typeText(typeOf(definition.schema), "")}.${constraintText(constraintsOf(definition.schema))} Schema \`${definition.source.file}\`.`,
        "",
        ...(fields.length > 0 ? [...fieldsTable(fields, ""), ""] : []),
      ];
    }),
  ]);
}

/** A Markdown fields table; definition references link to `<definitionsPage>#<name>`. */
function fieldsTable(rows: readonly FieldRow[], definitionsPage: string): string[] {
  if (rows.length === 0) return ["No fields."];
  return [
    row(["Field", "Type", "Required", "Constraints", "Description"]),
    row(["---", "---", "---", "---", "---"]),
    ...rows.map((field) =>
      row([
        code(field.path) + (field.deprecated ? " (deprecated)" : ""),
        typeText(field.type, definitionsPage),
        field.required ? "yes" : "no",
        field.constraints.map((constraint) => code(constraint)).join("<br>"),
        cell(field.description ?? ""),
      ]),
    ),
  ];
}

function typeText(parts: readonly TypePart[], definitionsPage: string): string {
  return parts
    .map((part) =>
      part.kind === "ref"
        ? `[${cell(part.name)}](${definitionsPage}#${part.name.toLowerCase()})`
        : cell(part.text),
    )
    .join("");
}

function constraintText(constraints: readonly string[]): string {
  return constraints.length === 0 ? "" : ` Constraints: ${constraints.map(code).join(", ")}.`;
}

function deprecationNote(event: EventContract): string[] {
  if (event.deprecated === false) return [];
  return [`> **Deprecated.**${event.deprecated.reason ? ` ${event.deprecated.reason}` : ""}`, ""];
}

function status(entry: CatalogEntry): string {
  return (
    (entry.deprecated ? " (deprecated)" : "") +
    (entry.breakingVersions.length > 0 ? ` (breaking: v${entry.breakingVersions.join(", v")})` : "")
  );
}

function eventLink(eventType: string, entries: readonly CatalogEntry[], prefix: string): string {
  const target = entries.find((entry) => entry.eventType === eventType);
  return target === undefined ? code(eventType) : `[${cell(eventType)}](${prefix}${target.slug}.md)`;
}
