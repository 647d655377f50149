export { type CatalogEntry, catalogEntries, eventSlug } from "./catalog-entries.js";
export { emitCatalog } from "./emit-catalog.js";
export { escapeHtml, proseHtml } from "./escape.js";
export { type FieldRow, fieldRows, type TypePart } from "./schema-fields.js";
