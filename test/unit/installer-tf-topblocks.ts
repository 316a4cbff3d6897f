// Top-level blocks of a rendered .tf file from the real parse tree, with the evaluator's view of
// their bodies, for tests that check one block (the provider, the Deployment, the data source).
import { expect } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { parseHcl } from '../../src/templates/hcl-parse.js';
import { evalBody, evaluate, type Scope, type Value } from './installer-hcl-eval.js';

export interface TopBlock {
  type: string;
  labels: string[];
  text: string;
  body: Node | null;
}

export async function topBlocks(contents: string): Promise<TopBlock[]> {
  const { root, errors } = await parseHcl(contents);
  expect(errors).toEqual([]);
  const body = root.namedChildren.find((n) => n?.type === 'body')!;
  return body.namedChildren
    .filter((n): n is Node => n?.type === 'block')
    .map((n) => {
      const [typeNode, ...rest] = n.namedChildren.filter((c): c is Node => c !== null);
      return {
        type: typeNode!.text,
        labels: rest.filter((c) => c.type === 'string_lit').map((c) => c.text.slice(1, -1)),
        text: n.text,
        body: rest.find((c) => c.type === 'body') ?? null,
      };
    });
}

export function findBlock(blocks: TopBlock[], type: string, ...labels: string[]): TopBlock {
  const hit = blocks.find((b) => b.type === type && labels.every((l, i) => b.labels[i] === l));
  if (!hit) throw new Error(`no ${type} ${labels.join(' ')} block`);
  return hit;
}

/** One attribute's expression node inside a body (not nested blocks). */
export function attributeNode(body: Node | null, name: string): Node {
  const attr = body?.namedChildren.find((n) => n?.type === 'attribute' && n.namedChildren[0]?.text === name);
  if (!attr) throw new Error(`no attribute ${name}`);
  return attr.namedChildren[1]!;
}

/** A nested block's body by path (`lifecycle`, then the n-th `precondition`). */
export function nestedBlocks(body: Node | null, type: string): Node[] {
  return (body?.namedChildren ?? [])
    .filter((n): n is Node => n?.type === 'block' && n.namedChildren[0]?.text === type)
    .map((n) => n.namedChildren.find((c) => c?.type === 'body') ?? null)
    .filter((n): n is Node => n !== null);
}

export const evalExpr = (node: Node, scope: Scope): Value => evaluate(node, scope);
export { evalBody };
