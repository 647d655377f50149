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
 * Makes text safe inside one Markdown table cell: no line breaks, pipes and angle brackets escaped.
 *
 * @example
 * ```ts
 * escapeMarkdownCell("a | b\nc"); // "a \\| b c"
 * ```
 */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\s*\r?\n\s*/g, " ")
    .replaceAll("\\", "\\\\")
    .replaceAll("|", "\\|")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
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
