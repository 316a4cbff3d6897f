// zod -> the JSON shapes served by tools/list. Computed once per tool: tools/list is hot (every
// client lists on connect) and the schemas never change at run time.
//
// The shapes are also made portable here, in one place, for every tool: clients that map tool schemas
// onto a single-`type` dialect (the OpenAPI subset behind Gemini function declarations, and the clients
// that follow it) reject or silently weaken `"type": ["string", "null"]`, which zod emits for
// `.nullable()` primitives and for unions of primitives. The MCP Inspector (2.12) warns about exactly
// that (`type-union`) and about schemas with no keyword at all (`untyped-schema`, what `z.unknown()`
// becomes); test/unit/tool-schema-portability.test.ts holds every tool to zero of both.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './define.js';

type JsonSchemaNode = Record<string, unknown>;

/** The six JSON value types (`integer` is a subset of `number`). */
const JSON_VALUE_TYPES = ['string', 'number', 'boolean', 'null', 'array', 'object'] as const;

/**
 * Any JSON value, declared as such: validates like `z.unknown()` but is served as an `anyOf` of the six
 * JSON types instead of `{}`, a schema that says nothing and that clients may reject. For fields that
 * carry a document we pass through (an Engine API inspect document); a field whose values are known
 * gets its real schema instead.
 */
export const anyJsonValue = z.unknown().meta({ anyOf: JSON_VALUE_TYPES.map((type) => ({ type })) });

// The keywords that constrain only instances of one type (JSON Schema 2020-12 validation and
// applicator vocabularies). On a `type: [T, …]` node they move into T's own `anyOf` branch, so a
// single-type reader still sees T's constraints; everything else (annotations such as `description`,
// and `enum`/`const`/`not`/`allOf`/`$ref`, which apply to every type) stays on the node itself.
const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const KEYWORDS_BY_TYPE: Record<string, readonly string[]> = {
  string: ['minLength', 'maxLength', 'pattern', 'format', 'contentEncoding', 'contentMediaType', 'contentSchema'],
  number: NUMBER_KEYWORDS,
  integer: NUMBER_KEYWORDS,
  array: ['items', 'prefixItems', 'additionalItems', 'unevaluatedItems', 'contains', 'minContains', 'maxContains',
    'minItems', 'maxItems', 'uniqueItems'],
  object: ['properties', 'patternProperties', 'additionalProperties', 'unevaluatedProperties', 'propertyNames',
    'required', 'minProperties', 'maxProperties', 'dependentRequired', 'dependentSchemas', 'dependencies'],
};
const TYPE_SPECIFIC = new Set(Object.values(KEYWORDS_BY_TYPE).flat());

// Where subschemas live (the same positions the Inspector's linter walks).
const SUBSCHEMA_KEYWORDS = ['items', 'contains', 'not', 'if', 'then', 'else', 'additionalProperties',
  'unevaluatedProperties', 'additionalItems', 'unevaluatedItems', 'contentSchema', 'propertyNames'];
const SUBSCHEMA_ARRAY_KEYWORDS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];

const isNode = (value: unknown): value is JsonSchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `type: [A, B]` -> `anyOf: [{type: A, …A's keywords}, {type: B, …}]`; the same instances validate. */
function splitTypeUnion(node: JsonSchemaNode, types: readonly string[]): JsonSchemaNode {
  const branches = types.map((type): JsonSchemaNode => {
    const branch: JsonSchemaNode = { type };
    for (const key of KEYWORDS_BY_TYPE[type] ?? []) if (key in node) branch[key] = node[key];
    return branch;
  });
  const moved = new Set(types.flatMap((type) => KEYWORDS_BY_TYPE[type] ?? []));
  const out: JsonSchemaNode = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'type') out.anyOf = branches;
    else if (key === 'anyOf') continue; // merged below, so an existing anyOf is not overwritten
    // A keyword for a type outside the union constrains nothing here; it stays where it was.
    else if (!(TYPE_SPECIFIC.has(key) && moved.has(key))) out[key] = value;
  }
  if (Array.isArray(node.anyOf)) {
    const allOf: unknown[] = Array.isArray(node.allOf) ? node.allOf : [];
    out.allOf = [...allOf, { anyOf: node.anyOf }];
  }
  return out;
}

/** A copy of `schema` with every `type` array (at any depth) split into single-type `anyOf` branches. */
export function portableSchema(schema: unknown): unknown {
  if (!isNode(schema)) return schema;
  let node = schema;
  // One type in an array is just that type; several become branches (which are walked below).
  if (Array.isArray(node.type) && node.type.length === 1) node = { ...node, type: node.type[0] as unknown };
  else if (Array.isArray(node.type) && node.type.length > 1) node = splitTypeUnion(node, node.type as string[]);
  const out: JsonSchemaNode = { ...node };
  for (const key of SUBSCHEMA_KEYWORDS) {
    if (!(key in out)) continue;
    out[key] = Array.isArray(out[key]) ? (out[key] as unknown[]).map(portableSchema) : portableSchema(out[key]);
  }
  for (const key of SUBSCHEMA_ARRAY_KEYWORDS) {
    if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(portableSchema);
  }
  for (const key of SUBSCHEMA_MAP_KEYWORDS) {
    const map = out[key];
    if (isNode(map)) out[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, portableSchema(sub)]));
  }
  return out;
}

function toJson(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  // `$schema` is dropped: MCP 2025-11-25 defaults to draft 2020-12, and some clients reject the key.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchemaNode;
  if (rest.type !== 'object') throw new Error('tool schemas must be zod objects');
  return portableSchema(rest) as Tool['inputSchema'];
}

const cache = new WeakMap<ToolDefinition, Tool>();

export function toolJson(tool: ToolDefinition): Tool {
  let json = cache.get(tool);
  if (!json) {
    json = {
      name: tool.name,
      title: tool.title,
      description: tool.description,
      inputSchema: toJson(tool.inputSchema, 'input'),
      outputSchema: toJson(tool.outputSchema, 'output'),
      annotations: { title: tool.title, ...tool.annotations },
    };
    cache.set(tool, json);
  }
  return json;
}
