// A rendered .tf file as evaluated top-level blocks, where every reference evaluates to its own text
// (`var.x`, `type.name.attr`), so a test can compare the wiring between resources without providers.
import { expect } from 'vitest';
import { formatHclErrors, parseHcl } from '../../src/templates/hcl-parse.js';
import { evalBody, type Block, type Scope, type Value } from './installer-hcl-eval.js';

const refs = (prefix: string): Record<string, Value> =>
  new Proxy({}, { has: () => true, get: (_, key) => `${prefix}.${String(key)}` });
const level = (prefix: string, depth: number): Record<string, Value> =>
  depth === 0 ? refs(prefix) : new Proxy({}, { has: () => true, get: (_, key) => level(`${prefix}.${String(key)}`, depth - 1) });
// var.x; type.name.attr; data.type.name.attr.
const scope: Scope = new Proxy({}, {
  has: () => true,
  get: (_, type) => (type === 'var' ? refs('var') : level(String(type), type === 'data' ? 2 : 1)),
});

export async function tfBlocks(text: string): Promise<Block[]> {
  const { root, errors } = await parseHcl(text);
  expect(errors, formatHclErrors(errors)).toEqual([]);
  return evalBody(root.namedChildren.find((n) => n?.type === 'body')!, scope).blocks;
}

export const resources = (blocks: Block[], type: string): Block[] => blocks.filter((b) => b.type === 'resource' && b.labels[0] === type);
export const blockTypes = (blocks: Block[], kind: 'resource' | 'data'): string[] => blocks.filter((b) => b.type === kind).map((b) => b.labels[0]!);
