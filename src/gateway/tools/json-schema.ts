// zod -> the JSON shapes served by tools/list. Computed once per tool: tools/list is hot (every
// client lists on connect) and the schemas never change at run time.
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ToolDefinition } from './define.js';

function toJson(schema: z.ZodType, io: 'input' | 'output'): Tool['inputSchema'] {
  // `$schema` is dropped: MCP 2025-11-25 defaults to draft 2020-12, and some clients reject the key.
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  if (rest.type !== 'object') throw new Error('tool schemas must be zod objects');
  return rest as Tool['inputSchema'];
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
