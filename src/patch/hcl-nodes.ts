// Small, total accessors over tree-sitter's Terraform grammar. The grammar wraps every value in an
// `expression` node and distinguishes plain strings (literal_value > string_lit) from templates
// (template_expr > quoted_template); these helpers hide that so the patcher reads like HCL.
import type { Node } from 'web-tree-sitter';

export function namedChildren(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.namedChildren.filter((c): c is Node => c !== null);
}

export function allChildren(node: Node): Node[] {
  return node.children.filter((c): c is Node => c !== null);
}

/** The `body` of a block (absent for an empty `{}` block). */
export function blockBody(block: Node): Node | undefined {
  return namedChildren(block).find((c) => c.type === 'body');
}

export function blockType(block: Node): string {
  return namedChildren(block).find((c) => c.type === 'identifier')?.text ?? '';
}

/** Block labels without quotes: `resource "a" "b"` -> ['a', 'b']. */
export function blockLabels(block: Node): string[] {
  return namedChildren(block)
    .slice(1)
    .filter((c) => c.type === 'string_lit' || c.type === 'identifier')
    .map((c) => (c.type === 'string_lit' ? c.text.slice(1, -1) : c.text));
}

export function bodyBlocks(body: Node | undefined, type?: string): Node[] {
  return namedChildren(body).filter((c) => c.type === 'block' && (type === undefined || blockType(c) === type));
}

export function bodyAttributes(body: Node | undefined): Node[] {
  return namedChildren(body).filter((c) => c.type === 'attribute');
}

export function attributeName(attr: Node): string {
  return namedChildren(attr)[0]?.text ?? '';
}

/** The `expression` node of an attribute. */
export function attributeValue(attr: Node): Node | undefined {
  return namedChildren(attr).find((c) => c.type === 'expression');
}

export function findAttribute(body: Node | undefined, name: string): Node | undefined {
  return bodyAttributes(body).find((a) => attributeName(a) === name);
}

/** Strips `expression` wrappers (and a collection_value wrapper) down to the interesting node. */
export function unwrap(expr: Node | undefined): Node | undefined {
  let node = expr;
  while (node && (node.type === 'expression' || node.type === 'collection_value') && node.namedChildCount === 1) {
    node = namedChildren(node)[0];
  }
  return node;
}

/** The value of a plain string literal, or null for templates, references and everything else. */
export function staticString(expr: Node | undefined): string | null {
  const node = unwrap(expr);
  if (!node) return null;
  const lit = node.type === 'literal_value' ? namedChildren(node)[0] : node;
  if (lit?.type !== 'string_lit') return null;
  const parts = namedChildren(lit).filter((c) => c.type !== 'quoted_template_start' && c.type !== 'quoted_template_end');
  if (parts.some((p) => p.type !== 'template_literal')) return null;
  return parts.map((p) => p.text).join('').replace(/\\(["\\])/g, '$1');
}

export function isTuple(node: Node | undefined): node is Node {
  return node?.type === 'tuple';
}

export function tupleElements(tuple: Node): Node[] {
  return namedChildren(tuple).filter((c) => c.type === 'expression');
}

export function isObject(node: Node | undefined): node is Node {
  return node?.type === 'object';
}

export function objectElems(obj: Node): Node[] {
  return namedChildren(obj).filter((c) => c.type === 'object_elem');
}

/** Key of an object element: `a = 1` and `"a" = 1` both give 'a'. */
export function objectElemKey(elem: Node): string {
  const key = elem.childForFieldName('key') ?? undefined;
  return staticString(key) ?? unwrap(key)?.text ?? '';
}

export function objectElemValue(elem: Node): Node | undefined {
  return elem.childForFieldName('val') ?? undefined;
}

export function findObjectElem(obj: Node | undefined, key: string): Node | undefined {
  return obj ? objectElems(obj).find((e) => objectElemKey(e) === key) : undefined;
}

/** Offset of the first character of the line holding `index`. */
export function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

export function lineEnd(text: string, index: number): number {
  const end = text.indexOf('\n', index);
  return end === -1 ? text.length : end;
}

/** Leading whitespace of the line holding `index`. */
export function indentAt(text: string, index: number): string {
  const start = lineStart(text, index);
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** True when only whitespace precedes `index` on its line. */
export function startsLine(text: string, index: number): boolean {
  return text.slice(lineStart(text, index), index).trim() === '';
}
