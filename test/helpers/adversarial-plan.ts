// Turns the live server's surface (tools/list, prompts/list, resources/templates/list and the
// completion refs they imply) into cases, one per argument, and cases into requests with a hostile
// value in that argument. Every case is visited once per round, in a seeded order.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { encode, type JsonSchema, type Rng, type ValueGenerator } from './adversarial-corpus.js';
import type { Request, Via } from './adversarial-driver.js';

export interface Surface {
  tools: { name: string; inputSchema: JsonSchema }[];
  prompts: { name: string; arguments: string[] }[];
  templates: { uriTemplate: string; variables: string[] }[];
}

export async function enumerateSurface(client: Client): Promise<Surface> {
  const tools = (await client.listTools()).tools.map((t) => ({ name: t.name, inputSchema: t.inputSchema satisfies JsonSchema }));
  const prompts = (await client.listPrompts()).prompts.map((p) => ({ name: p.name, arguments: (p.arguments ?? []).map((a) => a.name) }));
  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => ({
    uriTemplate: t.uriTemplate,
    variables: [...t.uriTemplate.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
  }));
  return { tools, prompts, templates };
}

export type Case =
  | { kind: 'tool'; name: string; focus: string }
  | { kind: 'prompt'; name: string; focus: string }
  | { kind: 'resource'; uriTemplate: string; focus: string; subscribe: boolean }
  | { kind: 'complete-prompt'; name: string; focus: string }
  | { kind: 'complete-resource'; uriTemplate: string; focus: string };

/** `*` = every argument hostile at once; `+` = an argument the schema does not declare. */
export function casesOf(surface: Surface): Case[] {
  const cases: Case[] = [];
  for (const t of surface.tools) {
    for (const p of [...Object.keys(t.inputSchema.properties ?? {}), '*', '+']) cases.push({ kind: 'tool', name: t.name, focus: p });
  }
  for (const p of surface.prompts) {
    for (const a of [...p.arguments, '*', '+']) cases.push({ kind: 'prompt', name: p.name, focus: a });
    for (const a of p.arguments) cases.push({ kind: 'complete-prompt', name: p.name, focus: a });
  }
  for (const t of surface.templates) {
    for (const v of t.variables) {
      cases.push({ kind: 'resource', uriTemplate: t.uriTemplate, focus: v, subscribe: false });
      cases.push({ kind: 'resource', uriTemplate: t.uriTemplate, focus: v, subscribe: true });
      cases.push({ kind: 'complete-resource', uriTemplate: t.uriTemplate, focus: v });
    }
  }
  return cases;
}

export function shuffle<T>(rng: Rng, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** JSON the server will actually receive: huge values are kept, only unbuildable ones avoided. */
const SIZE_CAP = 3 * 1024 * 1024;

export class Planner {
  private seq = 0;
  constructor(private readonly rng: Rng, private readonly gen: ValueGenerator, private readonly surface: Surface) {}

  private via(method: Request['method']): Via {
    const roll = this.rng.next();
    if (method === 'tools/call' && roll < 0.15) return 'legacy';
    if (roll > 0.85) return 'ws';
    return 'mcp';
  }

  private hostileText(): unknown {
    // Prompt and completion arguments are strings on the wire; sometimes they are not.
    return this.rng.chance(0.9) ? this.gen.hostile({ type: 'string' }) : this.gen.hostile({});
  }

  request(c: Case): Request {
    const seq = ++this.seq;
    let method: Request['method'];
    let params: Record<string, unknown>;
    switch (c.kind) {
      case 'tool': {
        const schema = this.surface.tools.find((t) => t.name === c.name)?.inputSchema ?? {};
        const args = this.gen.plausible(schema) as Record<string, unknown>;
        const props = Object.entries(schema.properties ?? {});
        if (c.focus === '*') for (const [k, s] of props) args[k] = this.gen.hostile(s);
        else if (c.focus === '+') args[String(this.gen.hostile({ type: 'string' })).slice(0, 64) || 'extra'] = this.gen.hostile({});
        else args[c.focus] = this.gen.hostile(schema.properties?.[c.focus] ?? {});
        method = 'tools/call';
        params = { name: c.name, arguments: args };
        break;
      }
      case 'prompt': {
        const prompt = this.surface.prompts.find((p) => p.name === c.name);
        const args: Record<string, unknown> = {};
        for (const a of prompt?.arguments ?? []) args[a] = this.gen.plausible({ type: 'string', pattern: '^[a-z]' }, a);
        if (c.focus === '*') for (const a of prompt?.arguments ?? []) args[a] = this.hostileText();
        else if (c.focus === '+') args[String(this.hostileText()).slice(0, 64) || 'extra'] = this.hostileText();
        else args[c.focus] = this.hostileText();
        method = 'prompts/get';
        params = { name: c.name, arguments: args };
        break;
      }
      case 'resource': {
        const raw = String(this.gen.hostile({ type: 'string' }));
        const value = this.rng.chance(0.5) ? raw : encode(raw);
        method = c.subscribe ? 'resources/subscribe' : 'resources/read';
        params = { uri: c.uriTemplate.replace(`{${c.focus}}`, value) };
        break;
      }
      case 'complete-prompt':
        method = 'completion/complete';
        params = { ref: { type: 'ref/prompt', name: c.name }, argument: { name: c.focus, value: this.hostileText() } };
        break;
      case 'complete-resource':
        method = 'completion/complete';
        params = { ref: { type: 'ref/resource', uri: c.uriTemplate }, argument: { name: c.focus, value: this.hostileText() } };
        break;
    }
    const via = this.via(method);
    if (JSON.stringify(params).length > SIZE_CAP) return this.request(c);
    return { seq, via, method, params };
  }
}
