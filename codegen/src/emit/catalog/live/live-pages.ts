/**
 * Renders the live figures: a "Live figures" section for each event type's HTML and Markdown
 * page, and a consumer groups page in both formats.
 */
import { escapeHtml } from "../escape.js";
import { htmlPage, link } from "../html-page.js";
import { figuresOf, type LiveFigures, type LiveGroup } from "./live-figures.js";

const when = (date: Date | null) => (date === null ? "never" : date.toISOString());
const lag = (events: number, capped: boolean, seconds: number) =>
  `${capped ? "≥" : ""}${events.toLocaleString("en-US")} events${events > 0 ? `, oldest ${seconds.toFixed(1)} s` : ""}`;
const source = (figures: LiveFigures) => `Read from ${figures.database} at ${figures.readAt.toISOString()}.`;

/** The HTML section of one event type (`root` is the page's path to the site root). */
export function eventSectionHtml(
  figures: LiveFigures,
  eventType: string,
  channels: readonly string[],
  root: string,
) {
  const live = figuresOf(figures, eventType, channels);
  const groups = `${root}groups.html`;
  const rows = live.readers.map(
    ({ group, cursor }) =>
      `<tr><td><a href="${groups}#group-${escapeHtml(group.group)}">${escapeHtml(group.group)}</a></td><td><code>${escapeHtml(cursor.channel)}</code></td><td>${escapeHtml(lag(cursor.lagEvents, cursor.lagCapped, cursor.lagSeconds))}</td><td>${escapeHtml(group.state)}</td></tr>`,
  );
  const dead = live.deadLetters.map(
    (item) => `<li>${escapeHtml(item.group)}: <span class="dead-letters">${item.count}</span></li>`,
  );
  return [
    '<section id="live" class="live">',
    '<h2 id="live-figures">Live figures</h2>',
    `<p class="live-source">${escapeHtml(source(figures))}</p>`,
    `<dl class="facts"><dt>Stored events</dt><dd id="live-count">${live.count.toLocaleString("en-US")}</dd><dt>Last seen</dt><dd id="live-last-seen">${when(live.lastSeenAt)}</dd><dt>Dead letters</dt><dd id="live-dead-letters">${live.deadLetters.reduce((sum, item) => sum + item.count, 0)}</dd></dl>`,
    rows.length === 0
      ? "<p>No consumer group reads it.</p>"
      : `<div class="table-wrap"><table id="live-readers"><thead><tr><th>Group</th><th>Channel</th><th>Lag</th><th>State</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`,
    dead.length === 0 ? "" : `<ul id="live-dead-letter-groups">${dead.join("")}</ul>`,
    "</section>",
  ]
    .filter((part) => part !== "")
    .join("\n");
}

/** The Markdown section of one event type. */
export function eventSectionMarkdown(figures: LiveFigures, eventType: string, channels: readonly string[]) {
  const live = figuresOf(figures, eventType, channels);
  const lines = [
    "## Live figures",
    "",
    source(figures),
    "",
    `- Stored events: ${live.count}`,
    `- Last seen: ${when(live.lastSeenAt)}`,
    `- Dead letters: ${live.deadLetters.reduce((sum, item) => sum + item.count, 0)}${live.deadLetters.length === 0 ? "" : ` (${live.deadLetters.map((item) => `${item.group}: ${item.count}`).join(", ")})`}`,
    "",
  ];
  if (live.readers.length === 0) lines.push("No consumer group reads it.", "");
  else {
    lines.push("| Group | Channel | Lag | State |", "| --- | --- | --- | --- |");
    for (const { group, cursor } of live.readers)
      lines.push(
        `| [${group.group}](../groups.md) | \`${cursor.channel}\` | ${lag(cursor.lagEvents, cursor.lagCapped, cursor.lagSeconds)} | ${group.state} |`,
      );
    lines.push("");
  }
  return lines.join("\n");
}

/** The consumer groups page of the site. */
export function groupsPageHtml(figures: LiveFigures): string {
  const body = [
    "<h1>Consumer groups</h1>",
    `<p class="live-source">${escapeHtml(source(figures))}</p>`,
    figures.groups.length === 0 ? "<p>No consumer group yet.</p>" : "",
    ...figures.groups.map(groupHtml),
  ];
  return htmlPage({
    title: "Consumer groups",
    root: "",
    body: body.filter((part) => part !== "").join("\n"),
  });
}

function groupHtml(group: LiveGroup): string {
  const rows = group.channels.map(
    (cursor) =>
      `<tr><td><code>${escapeHtml(cursor.channel)}</code></td><td><code>${escapeHtml(cursor.position)}</code></td><td>${escapeHtml(lag(cursor.lagEvents, cursor.lagCapped, cursor.lagSeconds))}</td></tr>`,
  );
  const facts: [string, string][] = [
    ["State", `<span class="group-state">${escapeHtml(group.state)}</span>`],
    ["Last active", when(group.lastActiveAt)],
    ["Dead letters", String(group.deadLetters)],
    ["Retention", group.holdsRetention ? "holds retention back" : "does not hold retention back"],
  ];
  if (group.failing !== null)
    facts.push([
      "Failing",
      `${escapeHtml(group.failing.position)} after ${group.failing.attempts} attempts: ${escapeHtml(group.failing.lastError ?? "")}`,
    ]);
  return [
    `<section class="group" id="group-${escapeHtml(group.group)}">`,
    `<h2>${escapeHtml(group.group)}</h2>`,
    `<dl class="facts">${facts.map(([name, value]) => `<dt>${name}</dt><dd>${value}</dd>`).join("")}</dl>`,
    rows.length === 0
      ? "<p>It reads no channel yet.</p>"
      : `<div class="table-wrap"><table><thead><tr><th>Channel</th><th>Cursor</th><th>Lag</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`,
    "</section>",
  ].join("\n");
}

/** The consumer groups page in Markdown. */
export function groupsPageMarkdown(figures: LiveFigures): string {
  const lines = [
    "<!-- Generated by @postbus/codegen from the schemas. Live figures from a database: run `postbus docs --database-url` again to refresh. -->",
    "",
    "# Consumer groups",
    "",
    source(figures),
    "",
  ];
  if (figures.groups.length === 0) lines.push("No consumer group yet.", "");
  for (const group of figures.groups) {
    lines.push(
      `## ${group.group}`,
      "",
      `- State: ${group.state}`,
      `- Last active: ${when(group.lastActiveAt)}`,
      `- Dead letters: ${group.deadLetters}`,
      `- Retention: ${group.holdsRetention ? "holds retention back" : "does not hold retention back"}`,
      ...(group.failing === null
        ? []
        : [
            `- Failing: ${group.failing.position} after ${group.failing.attempts} attempts: ${group.failing.lastError ?? ""}`,
          ]),
      "",
    );
    if (group.channels.length > 0) {
      lines.push("| Channel | Cursor | Lag |", "| --- | --- | --- |");
      for (const cursor of group.channels)
        lines.push(
          `| \`${cursor.channel}\` | \`${cursor.position}\` | ${lag(cursor.lagEvents, cursor.lagCapped, cursor.lagSeconds)} |`,
        );
      lines.push("");
    }
  }
  return lines.join("\n");
}

/** The link the index pages get to the groups page. */
export function indexSectionHtml(figures: LiveFigures): string {
  return `<section id="live" class="live"><h2 id="live-figures">Live figures</h2><p class="live-source">${escapeHtml(source(figures))}</p><p>${link("groups.html", `Consumer groups (${figures.groups.length})`)}</p></section>`;
}
