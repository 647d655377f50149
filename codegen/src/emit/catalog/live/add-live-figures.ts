/**
 * `postbus docs --database-url`: the static catalog with live figures added. Takes the files
 * `emitCatalog` made and returns them with a "Live figures" section on each event type's pages
 * and the index, plus the consumer groups pages (`groups.md`, `site/groups.html`). Pure.
 */
import type { GeneratedFile } from "../../../ir/model.js";
import type { CatalogEntry } from "../catalog-entries.js";
import type { LiveFigures } from "./live-figures.js";
import {
  eventSectionHtml,
  eventSectionMarkdown,
  groupsPageHtml,
  groupsPageMarkdown,
  indexSectionHtml,
} from "./live-pages.js";

/** Adds the live figures to the catalog files under `docs`. */
export function addLiveFigures(
  files: readonly GeneratedFile[],
  entries: readonly CatalogEntry[],
  docs: string,
  figures: LiveFigures,
): GeneratedFile[] {
  const byPath = new Map(files.map((file) => [file.path, file]));
  const replace = (path: string, change: (contents: string) => string) => {
    const file = byPath.get(path);
    if (file !== undefined) byPath.set(path, { ...file, contents: change(file.contents) });
  };
  for (const entry of entries) {
    const channels = [...new Set(entry.versions.map((version) => version.channel))];
    const slug = entry.slug;
    replace(`${docs}/site/events/${slug}.html`, (html) =>
      beforeHistory(html, eventSectionHtml(figures, entry.eventType, channels, "../")),
    );
    replace(
      `${docs}/events/${slug}.md`,
      (markdown) => `${markdown.trimEnd()}\n\n${eventSectionMarkdown(figures, entry.eventType, channels)}`,
    );
  }
  replace(`${docs}/site/index.html`, (html) => beforeMainEnd(html, indexSectionHtml(figures)));
  replace(
    `${docs}/index.md`,
    (markdown) =>
      `${markdown.trimEnd()}\n\n## Live figures\n\nSee [consumer groups](groups.md) (${figures.groups.length}).\n`,
  );
  byPath.set(`${docs}/groups.md`, { path: `${docs}/groups.md`, contents: groupsPageMarkdown(figures) });
  byPath.set(`${docs}/site/groups.html`, {
    path: `${docs}/site/groups.html`,
    contents: groupsPageHtml(figures),
  });
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `section` before the version history (the page's first `<h2 id="history">`), else at the end of `<main>`. */
function beforeHistory(html: string, section: string): string {
  const at = html.indexOf('<h2 id="history">');
  return at < 0 ? beforeMainEnd(html, section) : `${html.slice(0, at)}${section}\n${html.slice(at)}`;
}

function beforeMainEnd(html: string, section: string): string {
  const at = html.lastIndexOf("</main>");
  return at < 0 ? html : `${html.slice(0, at)}${section}\n${html.slice(at)}`;
}
