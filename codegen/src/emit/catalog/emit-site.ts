import type { Finding } from "../../compat/check-compatibility.js";
import type { ResolvedConfig } from "../../config/config.js";
import type { PartyOrigin } from "../../ir/code-parties.js";
import type { ContractModel, EventContract, GeneratedFile, SchemaDefinition } from "../../ir/model.js";
import { ContentMemo } from "../memo.js";
import {
  type CatalogEntry,
  catalogEntries,
  compareText,
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
import { escapeHtml } from "./escape.js";
import { noFieldChanges } from "./field-changes.js";
import { graphSvg, neighbourhood } from "./graph-svg.js";
import { groupPath, groupSitePages } from "./group-pages.js";
import { badgesHtml, htmlPage, link } from "./html-page.js";
import { markdownCellHtml, markdownHtml } from "./markdown-html.js";
import { listOrNone } from "./markdown-text.js";
import { partyMark } from "./party-marks.js";
import { renamedListItems, renamedSitePages } from "./renamed-pages.js";
import {
  constraintsOf,
  type DescribeDefinition,
  type FieldRow,
  fieldRows,
  type TypePart,
  typeOf,
} from "./schema-fields.js";
import { definitionAnchor, searchIndexScript } from "./search-index.js";
import { CATALOG_CSS, CATALOG_JS } from "./site-assets.js";
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
 * The static HTML catalog under `<docs>/site/`: a searchable index with the graph (filterable to one
 * event's neighbourhood), a page per event type, per domain, per slice and per owner, a definitions
 * page, `graph.svg`, one stylesheet and one script. Relative links only, no network at view time, so
 * it works from file:// and from any static host. Descriptions are Markdown (`markdown-html.ts`).
 * Each event page shows what changed from one version to the next and the checker's verdict.
 */
export function emitSite(
  model: ContractModel,
  config: ResolvedConfig,
  entries: readonly CatalogEntry[] = catalogEntries(model, config.compatibility),
): GeneratedFile[] {
  const describe = definitionDescriber(model);
  const site = `${config.docs}/site`;
  const groups = catalogGroups(entries);
  const links = pageLinks(groups);
  const graph = graphSvg(entries, "events", { sliceHref: (slice) => links.group("slice", slice, "") });
  const keys = catalogKeys(model, config, entries, groups);
  return [
    { path: `${site}/index.html`, contents: indexPage(model, entries, groups, graph, describe, keys) },
    {
      path: `${site}/definitions.html`,
      contents: definitionPages.get(keys.context, () => definitionsPage(model.definitions, describe)),
    },
    { path: `${site}/graph.svg`, contents: graph },
    { path: `${site}/catalog.css`, contents: CATALOG_CSS },
    { path: `${site}/catalog.js`, contents: CATALOG_JS },
    ...entries.map((entry) => ({
      path: `${site}/events/${entry.slug}.html`,
      contents: eventPages.get(keys.page(entry), () =>
        eventPage(entry, keys.neighbourhood(entry), config.types.name, describe, links),
      ),
    })),
    ...renamedSitePages(entries, site),
    ...groupSitePages(groups, site, keys),
  ];
}

/** Rendered event pages and index list items, by {@link CatalogKeys.page} (`--watch` re-renders what changed). */
const eventPages = new ContentMemo<string>(10_000);
/** The definitions page by {@link CatalogKeys.context}. */
const definitionPages = new ContentMemo<string>(100);
const listItems = new ContentMemo<string>(10_000);

/** Links from a page to the pages of domains, slices and owners. */
interface PageLinks {
  /** The href of a group's page from a page at `root` (`""` or `"../"`), undefined for an unknown name. */
  group(kind: GroupKind, name: string, root: string): string | undefined;
}

function pageLinks(groups: CatalogGroups): PageLinks {
  const find = groupLookup(groups);
  return {
    group(kind, name, root) {
      const target = find(kind, name);
      return target === undefined ? undefined : `${root}${groupPath(target)}.html`;
    },
  };
}

function indexPage(
  model: ContractModel,
  entries: readonly CatalogEntry[],
  groups: CatalogGroups,
  graph: string,
  describe: DescribeDefinition,
  keys: CatalogKeys,
): string {
  const data = searchIndexScript(model, entries, describe, keys);
  const names = (list: readonly CatalogGroup[]) => list.map((group) => group.name);
  const body = [
    "<h1>Event catalog</h1>",
    `<p>${entries.length} event types. Search by name, field, definition or description; filter by domain, producer, consumer or owner.</p>`,
    '<search><form id="filters" class="filters">',
    '<input class="search" id="search" name="q" type="search" placeholder="Search events, fields, definitions…" aria-label="Search events, fields, definitions" autocomplete="off">',
    select("domain", "All domains", names(groups.domains)),
    select(
      "producer",
      "All producers",
      [...new Set(entries.flatMap((entry) => entry.producers))].sort(compareText),
    ),
    select(
      "consumer",
      "All consumers",
      [...new Set(entries.flatMap((entry) => entry.consumers))].sort(compareText),
    ),
    select("owner", "All owners", names(groups.owners)),
    "</form></search>",
    `<p class="count" id="count" aria-live="polite">${entries.length} of ${entries.length} event types</p>`,
    '<ul class="events" id="events">',
    ...entries.map((entry) =>
      listItems.get(keys.page(entry), () => listItem(entry, keys.neighbourhood(entry))),
    ),
    ...renamedListItems(entries),
    "</ul>",
    '<section id="definition-results" class="definition-results" hidden>',
    '<h2 id="definitions-found">Shared definitions</h2>',
    '<p class="count" id="definition-count" aria-live="polite"></p>',
    '<ul class="events" id="definitions">',
    ...model.definitions.map(definitionItem),
    "</ul>",
    "</section>",
    '<h2 id="graph">Who produces and consumes what</h2>',
    `<p>Producing slices on the left, event types in the middle, consuming slices on the right. Also as ${link("graph.svg", "graph.svg")}.</p>`,
    '<form id="graph-filter" class="graph-filter"><label for="graph-focus">Show the neighbourhood of</label>',
    `<select id="graph-focus" name="focus"><option value="">every event type</option>${entries.map((entry) => `<option value="${escapeHtml(entry.eventType)}">${escapeHtml(entry.eventType)}</option>`).join("")}</select>`,
    '<a id="graph-focus-page" hidden href="#graph">its page</a></form>',
    `<div class="graph" id="graph-view">${graph}</div>`,
    groupSection("domains", "Domains", groups.domains, "No domains."),
    groupSection("slices", "Slices", groups.slices, "No producers or consumers declared."),
    groupSection(
      "owners",
      "Owners",
      groups.owners,
      "No owners declared: list them in <code>x-postbus.owners</code>.",
    ),
    `<script id="catalog-data" type="application/json">${data}</script>`,
  ].join("\n");
  return htmlPage({ title: "Events", root: "", body, script: true });
}

function groupSection(id: string, heading: string, groups: readonly CatalogGroup[], none: string): string {
  const items = groups.map((group) => {
    const count =
      group.kind === "slice"
        ? `produces ${group.produces.length}, consumes ${group.consumes.length}`
        : `${group.entries.length} event ${group.entries.length === 1 ? "type" : "types"}`;
    return `<li>${link(`${groupPath(group)}.html`, group.name)} <span class="meta">${count}</span></li>`;
  });
  return [
    `<h2 id="${id}">${heading}</h2>`,
    items.length === 0 ? `<p>${none}</p>` : `<ul class="groups">${items.join("")}</ul>`,
  ].join("\n");
}

function definitionItem(definition: SchemaDefinition): string {
  const anchor = definitionAnchor(definition.name);
  return [
    `<li id="found-${escapeHtml(anchor)}" hidden>`,
    `<a class="name" href="definitions.html#${escapeHtml(anchor)}">${escapeHtml(definition.name)}</a>`,
    `<div class="meta">type ${typeHtml(typeOf(definition.schema), "definitions.html")} · schema <code>${escapeHtml(definition.source.file)}</code></div>`,
    definition.description ? `<div class="prose">${markdownCellHtml(definition.description)}</div>` : "",
    "</li>",
  ].join("");
}

function select(name: string, all: string, options: readonly string[]): string {
  return [
    `<select name="${name}" aria-label="${escapeHtml(all)}">`,
    `<option value="">${escapeHtml(all)}</option>`,
    ...options.map((option) => `<option value="${escapeHtml(option)}">${escapeHtml(option)}</option>`),
    "</select>",
  ].join("");
}

function listItem(entry: CatalogEntry, entries: readonly CatalogEntry[]): string {
  const latest = entry.latest;
  const roles = replyRoles(entry, entries);
  const local = (eventType: string) => {
    const target = entries.find((other) => other.eventType === eventType);
    return target === undefined
      ? `<code>${escapeHtml(eventType)}</code>`
      : link(`events/${target.slug}.html`, eventType);
  };
  const exchange = [
    ...(latest.responseType === undefined ? [] : [`request · reply ${local(latest.responseType)}`]),
    ...(latest.errorResponseType === undefined ? [] : [`error reply ${local(latest.errorResponseType)}`]),
    ...roles.replyTo.map((request) => `reply to ${local(request.eventType)}`),
    ...roles.errorReplyTo.map((request) => `error reply to ${local(request.eventType)}`),
  ];
  return [
    `<li id="event-${escapeHtml(entry.slug)}">`,
    `<a class="name" href="events/${escapeHtml(entry.slug)}.html">${escapeHtml(entry.eventType)}</a>${badgesHtml(entry)}`,
    `<div class="meta">channel <code>${escapeHtml(latest.channel)}</code> · domain ${escapeHtml(latest.domain)} · v${entry.versions.map((event) => event.version).join(", v")}${entry.owners.length === 0 ? "" : ` · owned by ${escapeHtml(entry.owners.join(", "))}`}</div>`,
    `<div class="meta">produced by ${escapeHtml(listOrNone(entry.producers))} · consumed by ${escapeHtml(listOrNone(entry.consumers))}</div>`,
    exchange.length === 0 ? "" : `<div class="meta">${exchange.join(" · ")}</div>`,
    latest.description ? `<div class="prose">${markdownCellHtml(latest.description)}</div>` : "",
    "</li>",
  ].join("");
}

function eventPage(
  entry: CatalogEntry,
  entries: readonly CatalogEntry[],
  typesPackage: string,
  describe: DescribeDefinition,
  pages: PageLinks,
): string {
  const latest = entry.latest;
  const groupLinks = (
    kind: GroupKind,
    names: readonly string[],
    id: string,
    origins?: ReadonlyMap<string, PartyOrigin>,
  ) =>
    `<span id="${id}">${
      names.length === 0
        ? "none declared"
        : names
            .map((name) => {
              const href = pages.group(kind, name, "../");
              const mark = escapeHtml(partyMark(name, origins));
              return `${href === undefined ? escapeHtml(name) : link(href, name)}${mark}`;
            })
            .join(", ")
    }</span>`;
  const facts: [string, string][] = [
    ["Channel", `<code id="channel">${escapeHtml(latest.channel)}</code>`],
    ["Domain", groupLinks("domain", [latest.domain], "domain")],
    ["Owners", groupLinks("owner", entry.owners, "owners")],
    ["Producers", groupLinks("slice", entry.producers, "producers", entry.origins?.producers)],
    ["Consumers", groupLinks("slice", entry.consumers, "consumers", entry.origins?.consumers)],
    ["TypeScript type", `<code>${escapeHtml(latest.typeName)}</code>`],
  ];
  if (latest.responseType !== undefined) facts.push(["Reply", eventLink(latest.responseType, entries)]);
  if (latest.errorResponseType !== undefined)
    facts.push(["Error reply", eventLink(latest.errorResponseType, entries)]);
  const roles = replyRoles(entry, entries);
  const links = (requests: readonly CatalogEntry[]) =>
    requests.map((other) => eventLink(other.eventType, entries)).join(", ");
  if (roles.replyTo.length > 0) facts.push(["Reply to", links(roles.replyTo)]);
  if (roles.errorReplyTo.length > 0) facts.push(["Error reply to", links(roles.errorReplyTo)]);
  const protocol = replyProtocolText(latest);
  const versioned = entry.transitions.length > 0;
  const body = [
    `<h1>${escapeHtml(entry.eventType)}${badgesHtml(entry)}</h1>`,
    latest.title ? `<p><strong>${escapeHtml(latest.title)}</strong></p>` : "",
    latest.description ? `<div class="prose">${markdownHtml(latest.description)}</div>` : "",
    deprecationNote(latest),
    `<dl class="facts">${facts.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join("")}</dl>`,
    protocol === undefined ? "" : `<h2 id="request-reply">Request and reply</h2>\n${markdownHtml(protocol)}`,
    '<h2 id="neighbourhood">Neighbourhood</h2>',
    `<p>The slices that produce and consume ${escapeHtml(entry.eventType)}${neighbourhood(entry, entries).length > 1 ? ", and the event types it is a request or reply of" : ""}.</p>`,
    `<div class="graph">${graphSvg(neighbourhood(entry, entries), ".", {
      focus: entry.eventType,
      sliceHref: (slice) => pages.group("slice", slice, "../"),
    })}</div>`,
    '<h2 id="history">Version history</h2>',
    `<div class="table-wrap"><table><thead><tr><th>Version</th><th>Channel</th><th>Type</th><th>Status</th>${versioned ? "<th>Compatibility</th>" : ""}<th>Schema file</th></tr></thead><tbody>`,
    ...entry.versions.map(
      (event) =>
        `<tr><td><a href="#v${event.version}">${event.version}</a></td><td><code>${escapeHtml(event.channel)}</code></td><td><code>${escapeHtml(event.typeName)}</code></td><td>${versionStatus(event, entry)}</td>${versioned ? `<td>${compatibilityCell(transitionTo(event, entry))}</td>` : ""}<td><code>${escapeHtml(event.source.file)}</code></td></tr>`,
    ),
    "</tbody></table></div>",
    `<h2 id="usage">${snippetHeading(latest)}</h2>`,
    `<pre><code>${escapeHtml(typedSnippet(latest, typesPackage, latestOf(entries)))}</code></pre>`,
    ...entry.versions.map((event) => versionSection(event, entry, describe)),
  ];
  return htmlPage({
    title: entry.eventType,
    root: "../",
    body: body.filter((part) => part !== "").join("\n"),
  });
}

function versionSection(event: EventContract, entry: CatalogEntry, describe: DescribeDefinition): string {
  const examples = event.examples.map(
    (example) => `<pre><code>${escapeHtml(JSON.stringify(example, null, 2))}</code></pre>`,
  );
  return [
    `<section id="v${event.version}">`,
    `<h2>Version ${event.version} <small>(${versionStatus(event, entry)})</small></h2>`,
    event === entry.latest ? "" : deprecationNote(event),
    event !== entry.latest && event.description
      ? `<div class="prose">${markdownHtml(event.description)}</div>`
      : "",
    changesSection(transitionTo(event, entry)),
    `<h3 id="v${event.version}-fields">Fields</h3>`,
    fieldsTable(fieldRows(event.schema, describe), "../definitions.html"),
    examples.length > 0 ? `<h3>Examples</h3>\n${examples.join("\n")}` : "",
    `<details><summary>JSON Schema</summary><pre><code>${escapeHtml(JSON.stringify(event.schema, null, 2))}</code></pre></details>`,
    "</section>",
  ]
    .filter((part) => part !== "")
    .join("\n");
}

function transitionTo(event: EventContract, entry: CatalogEntry): VersionTransition | undefined {
  return entry.transitions.find((transition) => transition.to === event);
}

function compatibilityCell(transition: VersionTransition | undefined): string {
  if (transition === undefined) return "—";
  return `<a class="verdict ${transition.verdict}" href="#v${transition.to.version}-changes">${verdictLabel(transition.verdict)}</a> from v${transition.from.version} under <code>${transition.mode}</code>`;
}

/** What changed from the version before: the verdict, the fields, the findings with their counterexamples. */
function changesSection(transition: VersionTransition | undefined): string {
  if (transition === undefined) return "";
  const { from, to, fields } = transition;
  const verdict = verdictLabel(transition.verdict);
  const fieldTable = noFieldChanges(fields)
    ? "<p>No field added, removed or changed.</p>"
    : [
        `<div class="table-wrap"><table class="changes"><thead><tr><th>Field</th><th>Change</th><th>Version ${from.version}</th><th>Version ${to.version}</th></tr></thead><tbody>`,
        ...fields.added.map((field) => changeRow(field.path, "added", undefined, field)),
        ...fields.removed.map((field) => changeRow(field.path, "removed", field, undefined)),
        ...fields.changed.map((field) => changeRow(field.path, "changed", field.before, field.after)),
        "</tbody></table></div>",
      ].join("\n");
  return [
    `<h3 id="v${to.version}-changes">Changes from version ${from.version}</h3>`,
    `<p class="verdict ${transition.verdict}"><strong>${verdict.charAt(0).toUpperCase()}${verdict.slice(1)}</strong> under <code>${transition.mode}</code>: ${escapeHtml(verdictReason(transition))}</p>`,
    fieldTable,
    transition.findings.length === 0
      ? ""
      : `<ol class="findings">\n${transition.findings.map(findingItem).join("\n")}\n</ol>`,
  ]
    .filter((part) => part !== "")
    .join("\n");
}

function changeRow(
  path: string,
  change: string,
  before: FieldRow | undefined,
  after: FieldRow | undefined,
): string {
  return `<tr class="${change}"><td><code>${escapeHtml(path)}</code></td><td>${change}</td><td>${fieldCell(before)}</td><td>${fieldCell(after)}</td></tr>`;
}

/** A field's type, whether it is required and its constraints, in one table cell. */
function fieldCell(field: FieldRow | undefined): string {
  if (field === undefined) return "—";
  return [
    typeHtml(field.type, "../definitions.html"),
    field.required ? "required" : "optional",
    ...field.constraints.map((constraint) => `<code>${escapeHtml(constraint)}</code>`),
  ].join(", ");
}

function findingItem(finding: Finding): string {
  const [writer, reader] = counterexampleSides(finding);
  const at = [
    siteText(finding.old) === undefined
      ? ""
      : `old <code>${escapeHtml(siteText(finding.old) as string)}</code>`,
    siteText(finding.new) === undefined
      ? ""
      : `new <code>${escapeHtml(siteText(finding.new) as string)}</code>`,
  ].filter((part) => part !== "");
  const head = `<p><strong>${finding.severity === "breaking" ? "Breaking" : "Cannot prove"}</strong> (<code>${escapeHtml(finding.rule)}</code>): ${escapeHtml(finding.change)}, for ${escapeHtml(findingReaders(finding))}. Where: ${at.join(", ")}.</p>`;
  const proof =
    finding.counterexample === undefined
      ? `<p>${escapeHtml(finding.hint)}</p>`
      : [
          `<p>Counterexample, valid under version ${writer} and rejected by version ${reader}${finding.rejection === undefined ? "" : ` (<code>${escapeHtml(finding.rejection)}</code>)`}:</p>`,
          `<pre class="counterexample"><code>${escapeHtml(JSON.stringify(finding.counterexample, null, 2))}</code></pre>`,
        ].join("\n");
  return `<li class="finding ${finding.severity}">\n${head}\n${proof}\n</li>`;
}

function versionStatus(event: EventContract, entry: CatalogEntry): string {
  const parts = [event === entry.latest ? "latest" : "older"];
  if (event.deprecated !== false) parts.push("deprecated");
  return parts.join(", ");
}

function definitionsPage(definitions: readonly SchemaDefinition[], describe: DescribeDefinition): string {
  const body = [
    "<h1>Shared definitions</h1>",
    ...definitions.map((definition) => {
      const fields = fieldRows(definition.schema, describe);
      const constraints = constraintsOf(definition.schema);
      return [
        `<section id="${escapeHtml(definitionAnchor(definition.name))}">`,
        `<h2>${escapeHtml(definition.name)}</h2>`,
        definition.description ? `<div class="prose">${markdownHtml(definition.description)}</div>` : "",
        `<p>Type: ${typeHtml(typeOf(definition.schema), "")}${constraints.length > 0 ? ` · ${constraints.map((c) => `<code>${escapeHtml(c)}</code>`).join(", ")}` : ""}</p>`,
        fields.length > 0 ? fieldsTable(fields, "") : "",
        `<p class="meta">Schema <code>${escapeHtml(definition.source.file)}</code></p>`,
        "</section>",
      ]
        .filter((part) => part !== "")
        .join("\n");
    }),
  ];
  return htmlPage({ title: "Definitions", root: "", body: body.join("\n") });
}

/** An HTML fields table; definition references link to `<definitionsPage>#def-<Name>`. */
function fieldsTable(rows: readonly FieldRow[], definitionsPage: string): string {
  if (rows.length === 0) return "<p>No fields.</p>";
  return [
    '<div class="table-wrap"><table class="fields"><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th><th>Description</th></tr></thead><tbody>',
    ...rows.map(
      (row) =>
        `<tr><td><code>${escapeHtml(row.path)}</code>${row.deprecated ? ' <span class="badge deprecated">deprecated</span>' : ""}</td><td>${typeHtml(row.type, definitionsPage)}</td><td>${row.required ? "yes" : "no"}</td><td>${row.constraints.map((c) => `<code>${escapeHtml(c)}</code>`).join("<br>")}</td><td>${markdownCellHtml(row.description ?? "")}</td></tr>`,
    ),
    "</tbody></table></div>",
  ].join("\n");
}

function typeHtml(parts: readonly TypePart[], definitionsPage: string): string {
  return parts
    .map((part) =>
      part.kind === "ref"
        ? `<a href="${escapeHtml(`${definitionsPage}#${definitionAnchor(part.name)}`)}">${escapeHtml(part.name)}</a>`
        : escapeHtml(part.text),
    )
    .join("");
}

function eventLink(eventType: string, entries: readonly CatalogEntry[]): string {
  const target = entries.find((entry) => entry.eventType === eventType);
  return target === undefined
    ? `<code>${escapeHtml(eventType)}</code>`
    : link(`${target.slug}.html`, eventType);
}

function deprecationNote(event: EventContract): string {
  if (event.deprecated === false) return "";
  return `<p class="notice"><strong>Deprecated.</strong>${event.deprecated.reason ? ` ${markdownCellHtml(event.deprecated.reason)}` : ""}</p>`;
}
