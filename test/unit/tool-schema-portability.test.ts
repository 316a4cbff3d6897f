// Every tool schema is one every client accepts: the MCP Inspector 2.12 schema-portability rules
// `type-union` (a `type` array, which single-type dialects such as Gemini's OpenAPI subset reject or
// weaken) and `untyped-schema` (a schema with no validation keyword, e.g. `{}` from `z.unknown()`),
// plus its `boolean-schema` error, re-implemented from its CLI bundle (clients/cli/build/index.js,
// "core/json/schemaLint.ts": same subschema positions, same constraining-keyword list), applied to the
// input and output schemas served by tools/list under every policy preset. The fix lives in
// src/gateway/tools/json-schema.ts (portableSchema, anyJsonValue).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { createGatewayCore } from '../../src/gateway/core.js';
import type { Preset } from '../../src/gateway/policy/policy.js';
import { localIdentity } from '../../src/gateway/security.js';
import { createMcpServer } from '../../src/gateway/server.js';
import { allTools } from '../../src/gateway/tools/index.js';
import { portableSchema } from '../../src/gateway/tools/json-schema.js';

// ---- The Inspector's walker and rules (schemaLint.ts in @modelcontextprotocol/inspector 2.12.0) ----
const BOOLEAN_VALUED = new Set(['additionalProperties', 'unevaluatedProperties', 'additionalItems', 'unevaluatedItems']);
const SUBSCHEMA = ['items', 'contains', 'not', 'propertyNames', 'if', 'then', 'else', 'additionalProperties',
  'unevaluatedProperties', 'additionalItems', 'unevaluatedItems', 'contentSchema'];
const SUBSCHEMA_ARRAY = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMA_MAP = ['properties', 'patternProperties', 'dependentSchemas', 'dependencies', '$defs', 'definitions'];
const CONSTRAINING = new Set(['type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum',
  'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'format', 'contentMediaType', 'contentEncoding',
  'contentSchema', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties',
  'minProperties', 'required', 'dependentRequired', 'allOf', 'anyOf', 'oneOf', 'not', 'items', 'prefixItems',
  'contains', 'additionalItems', 'unevaluatedItems', 'properties', 'patternProperties', 'additionalProperties',
  'unevaluatedProperties', 'propertyNames', 'dependentSchemas', 'dependencies', '$ref', '$dynamicRef', '$recursiveRef']);
const JSON_TYPES = new Set(['null', 'boolean', 'object', 'array', 'number', 'string', 'integer']);

type Finding = `${'type-union' | 'untyped-schema' | 'boolean-schema'} at ${string}`;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function lint(node: unknown, path: string, keyword: string | undefined, findings: Finding[]): void {
  if (typeof node === 'boolean') {
    if (keyword === undefined || !BOOLEAN_VALUED.has(keyword)) findings.push(`boolean-schema at ${path}`);
    return;
  }
  if (!isRecord(node)) return;
  const { type } = node;
  if (Array.isArray(type) && type.length > 0 && type.every((t) => typeof t === 'string' && JSON_TYPES.has(t)) &&
    new Set(type).size === type.length) findings.push(`type-union at ${path}`);
  const constrains = Object.keys(node).some((k) => CONSTRAINING.has(k)) || ('if' in node && ('then' in node || 'else' in node));
  if (!constrains && keyword !== 'not') findings.push(`untyped-schema at ${path}`);
  for (const key of SUBSCHEMA_MAP) {
    if (isRecord(node[key])) for (const [name, sub] of Object.entries(node[key])) lint(sub, `${path}.${key}.${name}`, key, findings);
  }
  for (const key of SUBSCHEMA_ARRAY) {
    if (Array.isArray(node[key])) node[key].forEach((sub, i) => lint(sub, `${path}.${key}[${i}]`, key, findings));
  }
  for (const key of SUBSCHEMA) {
    if (!(key in node)) continue;
    const value = node[key];
    if (Array.isArray(value)) value.forEach((sub, i) => lint(sub, `${path}.${key}[${i}]`, key, findings));
    else lint(value, `${path}.${key}`, key, findings);
  }
}

function lintTools(tools: readonly Tool[]): Finding[] {
  const findings: Finding[] = [];
  for (const tool of tools) {
    lint(tool.inputSchema, `${tool.name} inputSchema`, undefined, findings);
    if (tool.outputSchema) lint(tool.outputSchema, `${tool.name} outputSchema`, undefined, findings);
  }
  return findings;
}

async function listTools(preset: Preset): Promise<Tool[]> {
  // No Docker call is made: listing tools only reads the definitions.
  const { config } = resolveGatewayConfig({ flags: { dockerHost: 'unix:///nonexistent/docker.sock', policyPreset: preset }, env: {} });
  const server = createMcpServer(createGatewayCore({ config }), { transport: 'stdio', fallbackIdentity: localIdentity });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.server.connect(serverSide);
  const client = new Client({ name: 'portability', version: '0' });
  await client.connect(clientSide);
  try {
    return (await client.listTools()).tools;
  } finally {
    await client.close();
    await server.close();
  }
}

describe('the Inspector rules, as re-implemented here, catch what the Inspector catches', () => {
  it('flags a type array, an empty schema and a bare true, at the Inspector\'s paths', () => {
    const findings: Finding[] = [];
    lint({
      type: 'object',
      properties: { a: { type: ['string', 'null'] }, b: { type: 'object', additionalProperties: {} }, c: true },
      additionalProperties: false,
    }, 'x', undefined, findings);
    expect(findings).toEqual([
      'type-union at x.properties.a',
      'untyped-schema at x.properties.b.additionalProperties',
      'boolean-schema at x.properties.c',
    ]);
  });

  it('passes anyOf branches with one type each, and `not: {}`', () => {
    const findings: Finding[] = [];
    lint({ anyOf: [{ type: 'string' }, { type: 'null' }], not: {} }, 'x', undefined, findings);
    expect(findings).toEqual([]);
  });
});

describe.each<Preset>(['read-only', 'operator', 'admin'])('tools/list under the %s preset', (preset) => {
  let tools: Tool[];
  beforeAll(async () => { tools = await listTools(preset); });

  it('has no schema-portability finding in any input or output schema', () => {
    expect(tools.length).toBeGreaterThan(0);
    expect(lintTools(tools)).toEqual([]);
  });

  if (preset === 'admin') {
    it('lists every tool the gateway has (so every schema was checked)', () => {
      expect(tools.map((t) => t.name).sort()).toEqual(allTools.map((t) => t.name).sort());
    });
  }
});

describe('portableSchema', () => {
  const validator = new AjvJsonSchemaValidator();
  const samples: unknown[] = [null, '', 'abcdef', 0, 3, 2.5, -7, 1e6, true, false, [], ['a'], [1, 2], {}, { a: 1 }, { a: 'x', b: null }];
  const verdicts = (schema: unknown): boolean[] => {
    const check = validator.getValidator(schema as Parameters<typeof validator.getValidator>[0]);
    return samples.map((value) => check(value).valid);
  };

  it.each<[string, Record<string, unknown>]>([
    ['a nullable string with its keywords', { description: 'd', type: ['string', 'null'], minLength: 2, pattern: '^a' }],
    ['a nullable integer with bounds', { type: ['integer', 'null'], minimum: 0, maximum: 5 }],
    ['a nullable object with required keys', { type: ['object', 'null'], properties: { a: { type: 'number' } }, required: ['a'] }],
    ['a nullable array with an item schema', { type: ['array', 'null'], items: { type: ['string', 'number'] }, minItems: 1 }],
    ['a union with an enum that applies to every branch', { type: ['string', 'number'], enum: ['abcdef', 3, null] }],
    ['a type array beside an existing anyOf', { type: ['string', 'number'], anyOf: [{ minLength: 3 }, { minimum: 1 }] }],
    ['a one-element type array', { type: ['boolean'] }],
    ['nested type arrays under properties and additionalProperties', {
      type: 'object',
      properties: { a: { type: ['string', 'null'] } },
      additionalProperties: { type: ['number', 'boolean'] },
    }],
  ])('keeps exactly the same values valid: %s', (_name, schema) => {
    const portable = portableSchema(schema);
    const findings: Finding[] = [];
    lint(portable, 'x', undefined, findings);
    expect(findings).toEqual([]);
    expect(verdicts(portable)).toEqual(verdicts(schema));
  });

  it('moves each type\'s keywords into that type\'s branch and keeps annotations outside', () => {
    expect(portableSchema({ description: 'd', type: ['string', 'null'], minLength: 2 })).toEqual({
      description: 'd',
      anyOf: [{ type: 'string', minLength: 2 }, { type: 'null' }],
    });
  });
});
