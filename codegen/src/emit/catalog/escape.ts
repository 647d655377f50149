/**
 * Escapes text for HTML element content and double-quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml(`<b class="x">&</b>`); // "&lt;b class=&quot;x&quot;&gt;&amp;&lt;/b&gt;"
 * ```
 */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Makes text safe inside one Markdown table cell: pipes and angle brackets escaped, and no line
 * breaks — a paragraph break becomes `<br><br>`, a line that starts a list item (`- `, `* `, `1. `)
 * starts after a `<br>`, and any other line break is a space, so a Markdown description keeps its shape.
 *
 * @example
 * ```ts
 * escapeMarkdownCell("a | b\nc"); // "a \\| b c"
 * escapeMarkdownCell("Reasons:\n\n- user\n- risk"); // "Reasons:<br><br>- user<br>- risk"
 * ```
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .trim()
    .split(/[ \t]*\r?\n(?:[ \t]*\r?\n)+[ \t]*/)
    .map((paragraph) =>
      paragraph
        .split(/[ \t]*\r?\n[ \t]*/)
        .map((line, index) => (index === 0 ? "" : LIST_ITEM.test(line) ? "<br>" : " ") + escapeCellText(line))
        .join(""),
    )
    .join("<br><br>");
}

const LIST_ITEM = /^(?:[-*+]|\d+[.)])\s/;

function escapeCellText(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("|", "\\|").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * JSON for a `<script>` element: `<`, `>`, `&` and line separators escaped so the text can never close it.
 *
 * @example
 * ```ts
 * scriptJson({ a: "</script>" }); // '{"a":"\\u003c/script\\u003e"}'
 * ```
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}
