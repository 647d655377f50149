import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { DEFAULT_EVENT_TYPE_RULE, eventDefaults } from "./derive-event-type.js";
import { detectDialect } from "./detect-dialect.js";
import type { SchemaFile } from "./load-schemas.js";
import { parseText } from "./parse-file.js";

/**
 * The JSON Schema draft-07 meta-schema (© the JSON Schema authors, as bundled by ajv), so that
 * `{ "$ref": "http://json-schema.org/draft-07/schema#" }` ("any JSON Schema", common in real corpora
 * such as AsyncAPI) resolves to a definition with every constraint kept instead of failing to resolve.
 */
const DRAFT_07_META_SCHEMA =
  '{\n  "$schema": "http://json-schema.org/draft-07/schema#",\n  "$id": "http://json-schema.org/draft-07/schema#",\n  "title": "Core schema meta-schema",\n  "definitions": {\n    "schemaArray": {\n      "type": "array",\n      "minItems": 1,\n      "items": {\n        "$ref": "#"\n      }\n    },\n    "nonNegativeInteger": {\n      "type": "integer",\n      "minimum": 0\n    },\n    "nonNegativeIntegerDefault0": {\n      "allOf": [\n        {\n          "$ref": "#/definitions/nonNegativeInteger"\n        },\n        {\n          "default": 0\n        }\n      ]\n    },\n    "simpleTypes": {\n      "enum": [\n        "array",\n        "boolean",\n        "integer",\n        "null",\n        "number",\n        "object",\n        "string"\n      ]\n    },\n    "stringArray": {\n      "type": "array",\n      "items": {\n        "type": "string"\n      },\n      "uniqueItems": true,\n      "default": []\n    }\n  },\n  "type": [\n    "object",\n    "boolean"\n  ],\n  "properties": {\n    "$id": {\n      "type": "string",\n      "format": "uri-reference"\n    },\n    "$schema": {\n      "type": "string",\n      "format": "uri"\n    },\n    "$ref": {\n      "type": "string",\n      "format": "uri-reference"\n    },\n    "$comment": {\n      "type": "string"\n    },\n    "title": {\n      "type": "string"\n    },\n    "description": {\n      "type": "string"\n    },\n    "default": true,\n    "readOnly": {\n      "type": "boolean",\n      "default": false\n    },\n    "examples": {\n      "type": "array",\n      "items": true\n    },\n    "multipleOf": {\n      "type": "number",\n      "exclusiveMinimum": 0\n    },\n    "maximum": {\n      "type": "number"\n    },\n    "exclusiveMaximum": {\n      "type": "number"\n    },\n    "minimum": {\n      "type": "number"\n    },\n    "exclusiveMinimum": {\n      "type": "number"\n    },\n    "maxLength": {\n      "$ref": "#/definitions/nonNegativeInteger"\n    },\n    "minLength": {\n      "$ref": "#/definitions/nonNegativeIntegerDefault0"\n    },\n    "pattern": {\n      "type": "string",\n      "format": "regex"\n    },\n    "additionalItems": {\n      "$ref": "#"\n    },\n    "items": {\n      "anyOf": [\n        {\n          "$ref": "#"\n        },\n        {\n          "$ref": "#/definitions/schemaArray"\n        }\n      ],\n      "default": true\n    },\n    "maxItems": {\n      "$ref": "#/definitions/nonNegativeInteger"\n    },\n    "minItems": {\n      "$ref": "#/definitions/nonNegativeIntegerDefault0"\n    },\n    "uniqueItems": {\n      "type": "boolean",\n      "default": false\n    },\n    "contains": {\n      "$ref": "#"\n    },\n    "maxProperties": {\n      "$ref": "#/definitions/nonNegativeInteger"\n    },\n    "minProperties": {\n      "$ref": "#/definitions/nonNegativeIntegerDefault0"\n    },\n    "required": {\n      "$ref": "#/definitions/stringArray"\n    },\n    "additionalProperties": {\n      "$ref": "#"\n    },\n    "definitions": {\n      "type": "object",\n      "additionalProperties": {\n        "$ref": "#"\n      },\n      "default": {}\n    },\n    "properties": {\n      "type": "object",\n      "additionalProperties": {\n        "$ref": "#"\n      },\n      "default": {}\n    },\n    "patternProperties": {\n      "type": "object",\n      "additionalProperties": {\n        "$ref": "#"\n      },\n      "propertyNames": {\n        "format": "regex"\n      },\n      "default": {}\n    },\n    "dependencies": {\n      "type": "object",\n      "additionalProperties": {\n        "anyOf": [\n          {\n            "$ref": "#"\n          },\n          {\n            "$ref": "#/definitions/stringArray"\n          }\n        ]\n      }\n    },\n    "propertyNames": {\n      "$ref": "#"\n    },\n    "const": true,\n    "enum": {\n      "type": "array",\n      "items": true,\n      "minItems": 1,\n      "uniqueItems": true\n    },\n    "type": {\n      "anyOf": [\n        {\n          "$ref": "#/definitions/simpleTypes"\n        },\n        {\n          "type": "array",\n          "items": {\n            "$ref": "#/definitions/simpleTypes"\n          },\n          "minItems": 1,\n          "uniqueItems": true\n        }\n      ]\n    },\n    "format": {\n      "type": "string"\n    },\n    "contentMediaType": {\n      "type": "string"\n    },\n    "contentEncoding": {\n      "type": "string"\n    },\n    "if": {\n      "$ref": "#"\n    },\n    "then": {\n      "$ref": "#"\n    },\n    "else": {\n      "$ref": "#"\n    },\n    "allOf": {\n      "$ref": "#/definitions/schemaArray"\n    },\n    "anyOf": {\n      "$ref": "#/definitions/schemaArray"\n    },\n    "oneOf": {\n      "$ref": "#/definitions/schemaArray"\n    },\n    "not": {\n      "$ref": "#"\n    }\n  },\n  "default": true\n}';

/** The `$id` of the bundled draft-07 meta-schema, without the empty fragment. */
export const DRAFT_07_META_SCHEMA_URI = "http://json-schema.org/draft-07/schema";

/**
 * The 2020-12 format-assertion vocabulary's meta-schema (© the JSON Schema authors, as published at its
 * `$id`), which ajv does not ship: a custom metaschema that declares the vocabulary `$ref`s it.
 */
const FORMAT_ASSERTION_META_SCHEMA = `${JSON.stringify(
  {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://json-schema.org/draft/2020-12/meta/format-assertion",
    $vocabulary: { "https://json-schema.org/draft/2020-12/vocab/format-assertion": true },
    $dynamicAnchor: "meta",
    title: "Format vocabulary meta-schema for assertion results",
    type: ["object", "boolean"],
    properties: { format: { type: "string" } },
  },
  null,
  2,
)}\n`;

const FORMAT_ASSERTION_META_SCHEMA_URI = "https://json-schema.org/draft/2020-12/meta/format-assertion";

/** The JSON Schema 2020-12 meta-schema and its vocabularies' meta-schemas: read from the copies ajv ships. */
const DRAFT_2020_12_META_SCHEMAS: ReadonlyMap<string, string> = new Map([
  ["https://json-schema.org/draft/2020-12/schema", "schema.json"],
  ...["core", "applicator", "unevaluated", "validation", "meta-data", "format-annotation", "content"].map(
    (vocabulary) =>
      [`https://json-schema.org/draft/2020-12/meta/${vocabulary}`, `meta/${vocabulary}.json`] as const,
  ),
]);

const ajvFiles = createRequire(import.meta.url);

/** The text of the bundled meta-schema with this URI (hash removed), or `undefined`. */
function bundledText(uri: string): string | undefined {
  if (uri === DRAFT_07_META_SCHEMA_URI) return DRAFT_07_META_SCHEMA;
  if (uri === FORMAT_ASSERTION_META_SCHEMA_URI) return FORMAT_ASSERTION_META_SCHEMA;
  const file = DRAFT_2020_12_META_SCHEMAS.get(uri);
  if (file === undefined) return undefined;
  return readFileSync(ajvFiles.resolve(`ajv/dist/refs/json-schema-2020-12/${file}`), "utf8");
}

/** `json-schema-draft-07.json`, `json-schema-2020-12.json`, `json-schema-2020-12-meta-core.json`. */
function bundledName(uri: string): string {
  if (uri === DRAFT_07_META_SCHEMA_URI) return "json-schema-draft-07.json";
  const tail = uri.slice("https://json-schema.org/draft/2020-12/".length).replace(/^schema$/, "");
  return `json-schema-2020-12${tail === "" ? "" : `-${tail.replaceAll("/", "-")}`}.json`;
}

const files = new Map<string, SchemaFile>();

/**
 * The bundled meta-schema with this URI (hash removed) as a definitions file named
 * `<bundled>/json-schema-draft-07.json` (or `json-schema-2020-12….json`, the 2020-12 meta-schema and its
 * vocabularies', as ajv ships them, and the format-assertion vocabulary's); `undefined` for any other URI. The same immutable object every
 * call, so its scan is cached like a loaded file's.
 */
export function bundledSchemaFile(uri: string): SchemaFile | undefined {
  const cached = files.get(uri);
  if (cached !== undefined) return cached;
  const text = bundledText(uri);
  if (text === undefined) return undefined;
  const file = `<bundled>/${bundledName(uri)}`;
  const parsed = parseText(text, file);
  const loaded: SchemaFile = Object.freeze({
    file,
    uri,
    idBase: uri,
    role: "definitions",
    text,
    parsed,
    dialect: detectDialect(parsed.value),
    defaults: eventDefaults(bundledName(uri), DEFAULT_EVENT_TYPE_RULE, parsed.value),
  });
  files.set(uri, loaded);
  return loaded;
}
