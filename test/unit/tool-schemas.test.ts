// The tool surface is public API: names, descriptions, schemas and annotations as served by
// tools/list are checked in (test/golden/tool-schemas.json) so any change shows up in review.
// Rewrite after an intended change: UPDATE_GOLDEN=1 npx vitest run test/unit/tool-schemas.test.ts
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { createGatewayCore } from '../../src/gateway/core.js';
import { localIdentity } from '../../src/gateway/security.js';
import { createMcpServer, type McpServerHandle } from '../../src/gateway/server.js';

const goldenPath = new URL('../golden/tool-schemas.json', import.meta.url);

describe('tool schemas as served by tools/list', () => {
  let tools: Tool[];
  let client: Client;
  let server: McpServerHandle;

  beforeAll(async () => {
    // No Docker call is made: listing tools only reads the definitions.
    const { config } = resolveGatewayConfig({ flags: { dockerHost: 'unix:///nonexistent/docker.sock' }, env: {} });
    server = createMcpServer(createGatewayCore({ config }), { transport: 'stdio', fallbackIdentity: localIdentity });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.server.connect(serverSide);
    client = new Client({ name: 'golden', version: '0' });
    await client.connect(clientSide);
    tools = (await client.listTools()).tools;
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('match test/golden/tool-schemas.json', () => {
    const served = [...tools]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ name, title, description, inputSchema, outputSchema, annotations }) => ({
        name, title, description, inputSchema, outputSchema, annotations,
      }));
    const text = `${JSON.stringify(served, null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN) {
      writeFileSync(goldenPath, text);
      return;
    }
    expect(existsSync(goldenPath), 'golden file missing: run with UPDATE_GOLDEN=1').toBe(true);
    expect(JSON.parse(text)).toEqual(JSON.parse(readFileSync(goldenPath, 'utf8')));
  });

  it('use names every major model API accepts, and carry annotations and described inputs', () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.name, tool.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
      expect(tool.name, tool.name).toMatch(/^[a-z]+(_[a-z]+)+$/);
      expect(tool.description?.length, tool.name).toBeGreaterThan(10);
      expect(tool.annotations, tool.name).toMatchObject({
        readOnlyHint: expect.any(Boolean) as boolean,
        destructiveHint: expect.any(Boolean) as boolean,
        idempotentHint: expect.any(Boolean) as boolean,
      });
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field} needs .describe()`).toBeTruthy();
      }
    }
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
  });

  it('name every argument and result field in snake_case, and refuse unknown arguments', () => {
    const camel: string[] = [];
    const walk = (schema: unknown, where: string): void => {
      if (!schema || typeof schema !== 'object') return;
      if (Array.isArray(schema)) return schema.forEach((s, i) => walk(s, `${where}[${i}]`));
      const node = schema as Record<string, unknown>;
      for (const [field, inner] of Object.entries((node.properties ?? {}) as Record<string, unknown>)) {
        if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(field)) camel.push(`${where}.${field}`);
        walk(inner, `${where}.${field}`);
      }
      for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties']) walk(node[key], `${where}<${key}>`);
    };
    for (const tool of tools) {
      walk(tool.inputSchema, `${tool.name} input`);
      walk(tool.outputSchema, `${tool.name} output`);
      // Strict inputs turn a misspelled or renamed argument into an error instead of a silent default.
      expect((tool.inputSchema as { additionalProperties?: unknown }).additionalProperties, tool.name).toBe(false);
    }
    expect(camel).toEqual([]);
  });
});
