export { type CatalogEntry, catalogEntries, eventSlug } from "./catalog-entries.js";
export { emitCatalog } from "./emit-catalog.js";
export { escapeHtml } from "./escape.js";
export { markdownCellHtml, markdownHtml } from "./markdown-html.js";
export { type FieldRow, fieldRows, type TypePart } from "./schema-fields.js";
