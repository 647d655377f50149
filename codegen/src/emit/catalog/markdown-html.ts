/**
 * Schema descriptions are Markdown: the HTML catalog renders them with markdown-it (CommonMark:
 * paragraphs, lists, links, emphasis, code spans and blocks) and never passes raw HTML through —
 * `html: false` prints a `<script>` in a description as text. markdown-it's own link check refuses
 * `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs.
 */
import MarkdownIt from "markdown-it";

const markdown = new MarkdownIt("default", { html: false, linkify: false, typographer: false });
const SINGLE_PARAGRAPH = /^<p>((?:(?!<p>)[\s\S])*)<\/p>\n$/;

/**
 * A description as HTML blocks (`<p>`, `<ul>`, `<pre>`…), for the body of a page or a list item.
 *
 * @example
 * ```ts
 * markdownHtml("Filled **in full**:\n\n- at `limitPrice`\n- <b>never</b> above it");
 * // "<p>Filled <strong>in full</strong>:</p>\n<ul>\n<li>at <code>limitPrice</code></li>\n<li>&lt;b&gt;never&lt;/b&gt; above it</li>\n</ul>\n"
 * ```
 */
export function markdownHtml(text: string): string {
  return markdown.render(text);
}

/**
 * A description for a table cell or a line of text: like {@link markdownHtml}, but a description
 * that is a single paragraph comes without its `<p>`, so a short one reads as plain text.
 *
 * @example
 * ```ts
 * markdownCellHtml("An instrument, `BASE-QUOTE`"); // "An instrument, <code>BASE-QUOTE</code>"
 * ```
 */
export function markdownCellHtml(text: string): string {
  const html = markdown.render(text);
  return SINGLE_PARAGRAPH.exec(html)?.[1] ?? html.trimEnd();
}
