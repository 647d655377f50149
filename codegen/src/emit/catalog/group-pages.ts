/**
 * A page per domain, slice and owner, in both formats: `<docs>/<folder>/<slug>.md` and
 * `<docs>/site/<folder>/<slug>.html` (folders `domains`, `slices`, `owners`). Each lists the group's
 * event types with their facts and descriptions; a slice page splits what it produces from what it
 * consumes; the HTML page draws the group's part of the graph.
 */
import type { GeneratedFile } from "../../ir/model.js";
import { ContentMemo } from "../memo.js";
import type { CatalogEntry } from "./catalog-entries.js";
import {
  type CatalogGroup,
  type CatalogGroups,
  GROUP_FOLDERS,
  type GroupKind,
  groupLookup,
} from "./catalog-groups.js";
import type { CatalogKeys } from "./catalog-keys.js";
import { escapeHtml } from "./escape.js";
import { graphSvg } from "./graph-svg.js";
import { badgesHtml, htmlPage, link } from "./html-page.js";
import { markdownCellHtml } from "./markdown-html.js";
import { cell, lines, listOrNone, MARKDOWN_BANNER, row } from "./markdown-text.js";

/** "Domain", "Slice", "Owner". */
export const GROUP_LABELS: Readonly<Record<GroupKind, string>> = {
  domain: "Domain",
  slice: "Slice",
  owner: "Owner",
};

/** Every group of `groups` as a list. */
export function allGroups(groups: CatalogGroups): CatalogGroup[] {
  return [...groups.domains, ...groups.slices, ...groups.owners];
}

/**
 * The path of a group's page from the site's (or the Markdown catalog's) root, without extension.
 *
 * @example
 * ```ts
 * groupPath(owner); // "owners/risk-desk"
 * ```
 */
export function groupPath(group: CatalogGroup): string {
  return `${GROUP_FOLDERS[group.kind]}/${group.slug}`;
}

/** The HTML page of every domain, slice and owner, under `site`; each remembered by its key in `keys`. */
export function groupSitePages(groups: CatalogGroups, site: string, keys: CatalogKeys): GeneratedFile[] {
  const find = groupLookup(groups);
  return allGroups(groups).map((group) => ({
    path: `${site}/${groupPath(group)}.html`,
    contents: sitePages.get(keys.group(group), () => groupSitePage(group, find)),
  }));
}

/** The Markdown page of every domain, slice and owner, under `docs`; each remembered by its key in `keys`. */
export function groupMarkdownPages(groups: CatalogGroups, docs: string, keys: CatalogKeys): GeneratedFile[] {
  const find = groupLookup(groups);
  return allGroups(groups).map((group) => ({
    path: `${docs}/${groupPath(group)}.md`,
    contents: markdownPages.get(keys.group(group), () => groupMarkdownPage(group, groups, find)),
  }));
}

/** Rendered group pages by {@link CatalogKeys.group} (`--watch` re-renders those an edit changed). */
const sitePages = new ContentMemo<string>(10_000);
const markdownPages = new ContentMemo<string>(10_000);

type FindGroup = (kind: GroupKind, name: string) => CatalogGroup | undefined;

function groupSitePage(group: CatalogGroup, find: FindGroup): string {
  const label = GROUP_LABELS[group.kind];
  const lists =
    group.kind === "slice"
      ? [
          `<h2 id="produces">Produces (${group.produces.length})</h2>`,
          eventList(group.produces, find),
          `<h2 id="consumes">Consumes (${group.consumes.length})</h2>`,
          eventList(group.consumes, find),
        ]
      : [`<h2 id="events">Event types (${group.entries.length})</h2>`, eventList(group.entries, find)];
  const filter =
    group.kind === "slice"
      ? ""
      : ` · ${link(`../index.html#${group.kind}=${encodeURIComponent(group.name)}`, "filter the list")}`;
  const graph = graphSvg(group.entries, "../events", {
    sliceHref: (slice) => {
      const target = find("slice", slice);
      return target === undefined ? undefined : `../${groupPath(target)}.html`;
    },
  });
  const body = [
    `<h1><small class="kind">${label}</small> ${escapeHtml(group.name)}</h1>`,
    `<p class="meta">${countText(group)}${filter}</p>`,
    ...lists,
    `<h2 id="group-graph">Who produces and consumes these events</h2>`,
    `<div class="graph">${graph}</div>`,
  ];
  return htmlPage({ title: `${label} ${group.name}`, root: "../", body: body.join("\n") });
}

function countText(group: CatalogGroup): string {
  const count = (n: number) => `${n} event ${n === 1 ? "type" : "types"}`;
  return group.kind === "slice"
    ? `Produces ${count(group.produces.length)}, consumes ${count(group.consumes.length)}.`
    : `${count(group.entries.length)}.`;
}

function eventList(entries: readonly CatalogEntry[], find: FindGroup): string {
  if (entries.length === 0) return "<p>None.</p>";
  return [
    '<ul class="events">',
    ...entries.map((entry) => {
      const latest = entry.latest;
      const links = (kind: GroupKind, names: readonly string[]) =>
        names.length === 0
          ? "none declared"
          : names
              .map((name) => {
                const target = find(kind, name);
                return target === undefined ? escapeHtml(name) : link(`../${groupPath(target)}.html`, name);
              })
              .join(", ");
      return [
        `<li><a class="name" href="../events/${escapeHtml(entry.slug)}.html">${escapeHtml(entry.eventType)}</a>${badgesHtml(entry)}`,
        `<div class="meta">channel <code>${escapeHtml(latest.channel)}</code> · domain ${links("domain", [latest.domain])} · ${entry.owners.length === 0 ? "no owners declared" : `owned by ${links("owner", entry.owners)}`}</div>`,
        `<div class="meta">produced by ${links("slice", entry.producers)} · consumed by ${links("slice", entry.consumers)}</div>`,
        latest.description ? `<div class="prose">${markdownCellHtml(latest.description)}</div>` : "",
        "</li>",
      ].join("");
    }),
    "</ul>",
  ].join("\n");
}

function groupMarkdownPage(group: CatalogGroup, groups: CatalogGroups, find: FindGroup): string {
  const label = GROUP_LABELS[group.kind];
  const tables =
    group.kind === "slice"
      ? [
          `## Produces (${group.produces.length})`,
          "",
          ...eventTable(group.produces, find),
          "",
          `## Consumes (${group.consumes.length})`,
          "",
          ...eventTable(group.consumes, find),
        ]
      : [`## Event types (${group.entries.length})`, "", ...eventTable(group.entries, find)];
  const others = allGroups(groups).filter((other) => other.kind === group.kind).length;
  return lines([
    MARKDOWN_BANNER,
    "",
    `# ${label} ${group.name}`,
    "",
    `${countText(group)} One of ${others} ${GROUP_FOLDERS[group.kind]} in the [event catalog](../index.md).`,
    "",
    ...tables,
  ]);
}

function eventTable(entries: readonly CatalogEntry[], find: FindGroup): string[] {
  if (entries.length === 0) return ["None."];
  const links = (kind: GroupKind, names: readonly string[]) =>
    names.length === 0
      ? cell(listOrNone(names))
      : names
          .map((name) => {
            const target = find(kind, name);
            return target === undefined ? cell(name) : `[${cell(name)}](../${groupPath(target)}.md)`;
          })
          .join(", ");
  return [
    row(["Event", "Domain", "Producers", "Consumers", "Owners", "Description"]),
    row(["---", "---", "---", "---", "---", "---"]),
    ...entries.map((entry) =>
      row([
        `[${cell(entry.eventType)}](../events/${entry.slug}.md)`,
        links("domain", [entry.latest.domain]),
        links("slice", entry.producers),
        links("slice", entry.consumers),
        links("owner", entry.owners),
        cell(entry.latest.description ?? entry.latest.title ?? ""),
      ]),
    ),
  ];
}
