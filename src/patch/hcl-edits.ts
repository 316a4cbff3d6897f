// Byte-range edits (UTF-16 offsets, as web-tree-sitter reports them) for the ingress rule and the
// services list. Everything outside the touched ranges stays exactly as the user wrote it.
import type { Node } from 'web-tree-sitter';
import { allChildren, indentAt, lineEnd, lineStart, startsLine, staticString, tupleElements } from './hcl-nodes.js';
import { child, closer, isCatchAll, normalize, value, type Container, type IngressList, type Rule } from './ingress-hcl.js';
import { accessBlockLines, alignedAttributes, hclString, markerComment, originRequestLines, renderInlineRule, renderRule, type DesiredRule } from './render.js';
import { MANAGED_MARKER } from './types.js';

/**
 * The marker for a rule written inside a one-line list: a `/* … *\/` comment right before the
 * element (where a `#` line sits for a rule on its own lines), so the line keeps its one-line style
 * and a later run still recognises the rule as ours (ingress-hcl.ts precededByMarker). terraform fmt
 * leaves it as written (checked with terraform fmt -check).
 */
export const inlineMarkerComment = `/* docker-mcp: ${MANAGED_MARKER} init */`;

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  // Back to front, so earlier offsets stay valid; at one offset, the edit listed first ends up first.
  const sorted = edits.map((e, i) => ({ ...e, i })).sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) throw new Error('overlapping edits (patcher bug)');
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/** Start of the comment lines glued to `node` (no blank line between), so we insert above them. */
function attachedStart(text: string, node: Node): number {
  let start = lineStart(text, node.startIndex);
  let prev = node.previousSibling;
  while (prev && prev.type === ',') prev = prev.previousSibling;
  while (prev?.type === 'comment' && startsLine(text, prev.startIndex) && prev.endPosition.row + 1 === rowOf(text, start)) {
    start = lineStart(text, prev.startIndex);
    prev = prev.previousSibling;
  }
  return start;
}

function rowOf(text: string, index: number): number {
  let rows = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) rows++;
  return rows;
}

function blankLineBefore(text: string, index: number): boolean {
  if (index < 2) return false;
  const prevLineStart = lineStart(text, index - 1);
  return text.slice(prevLineStart, index - 1).trim() === '';
}

/**
 * Inserts the rule right above `before` (default: the catch-all), and above the comments that
 * introduce it.
 */
export function insertRule(text: string, list: IngressList, desired: DesiredRule, before?: Rule): TextEdit[] | string {
  const catchAll = list.rules.at(-1);
  if (!before && (!catchAll || !isCatchAll(catchAll))) return 'no catch-all rule';
  const next = (before ?? catchAll)!;
  if (!startsLine(text, next.whole.startIndex)) {
    if (!list.v5) return 'the `ingress_rule` to insert above does not start on its own line';
    const compact = compactRule(text, next, desired);
    return [{ start: next.whole.startIndex, end: next.whole.startIndex, text: compact ?? `${inlineMarkerComment} ${renderInlineRule(desired)}, ` }];
  }
  const at = attachedStart(text, next.whole);
  const indent = indentAt(text, next.whole.startIndex);
  // Mirror the file's spacing: if rules are separated by blank lines, so is ours.
  const gap = blankLineBefore(text, at) ? '\n' : '';
  return [{ start: at, end: at, text: `${renderRule(desired, indent, list.v5)}\n${gap}` }];
}

/**
 * A list written compactly, `}, {` (or `},{`) between elements, gets our element in that same style:
 * it starts after the `}, ` already there and ends with the same separator, so every original line
 * stays as it was, byte for byte. The marker is the object's first line: there is no line of its own
 * above a `{` that shares the line with the previous `}` (ingress-hcl.ts reads it there too).
 */
function compactRule(text: string, next: Rule, desired: DesiredRule): string | null {
  const start = next.whole.startIndex;
  const sep = /^\s*\}(\s*,\s*)$/.exec(text.slice(lineStart(text, start), start))?.[1];
  if (sep === undefined) return null;
  const firstAttr = next.inner ? allChildren(next.inner).find((c) => c.type === 'object_elem') : undefined;
  if (!firstAttr || !startsLine(text, firstAttr.startIndex)) return null;
  const inner = indentAt(text, firstAttr.startIndex);
  const lines = [`${inner}${markerComment}`, ...alignedAttributes([['hostname', desired.hostname], ['service', desired.service]], inner)];
  if (desired.access) lines.push(...originRequestLines(desired.access, inner, true));
  return `{\n${lines.join('\n')}\n${indentAt(text, start)}}${sep}`;
}

function replaceValue(c: Container, name: string, wanted: string, edits: TextEdit[]): boolean {
  const current = value(c, name);
  if (!current) return false;
  if (normalize(current.text) !== normalize(wanted)) edits.push({ start: current.startIndex, end: current.endIndex, text: wanted });
  return true;
}

/** Lines inserted just above a container's closing brace (which must start its own line). */
function insertBeforeCloser(text: string, c: Container, lines: (indent: string) => string[], edits: TextEdit[]): boolean {
  const end = closer(c);
  if (!end || !startsLine(text, end.startIndex)) return false;
  const indent = `${indentAt(text, end.startIndex)}  `;
  const at = lineStart(text, end.startIndex);
  edits.push({ start: at, end: at, text: `${lines(indent).join('\n')}\n` });
  return true;
}

/**
 * Brings an existing rule up to date attribute by attribute, keeping anything else the user put
 * in it (path, other origin_request settings, comments). Never removes Access.
 */
export function updateRule(text: string, rule: Rule, desired: DesiredRule, notes: string[]): TextEdit[] | string {
  const edits: TextEdit[] = [];
  if (!replaceValue(rule, 'hostname', desired.hostname, edits)) return 'the existing docker-mcp rule has no hostname';
  if (!replaceValue(rule, 'service', desired.service, edits)) return 'the existing docker-mcp rule has no service';
  const v5 = rule.v5;
  const origin = child(rule, 'origin_request');
  if (!desired.access) {
    if (typeof origin === 'object' && child(origin.container, 'access')) {
      notes.push('The existing docker-mcp rule has Access settings; they were left in place (remove them by hand if you really mean to).');
    }
    return edits;
  }
  const access = desired.access;
  if (origin === 'not-literal') return '`origin_request` of the existing docker-mcp rule is not an object literal';
  if (!origin) {
    return insertBeforeCloser(text, rule, (indent) => originRequestLines(access, indent, v5), edits)
      ? edits
      : 'the existing docker-mcp rule is written on one line';
  }
  const current = child(origin.container, 'access');
  if (current === 'not-literal') return '`origin_request.access` of the existing docker-mcp rule is not an object literal';
  if (!current) {
    return insertBeforeCloser(text, origin.container, (indent) => accessBlockLines(access, indent, v5), edits)
      ? edits
      : 'the existing origin_request is written on one line';
  }
  const same =
    normalize(value(current.container, 'required')?.text) === access.required &&
    normalize(value(current.container, 'team_name')?.text) === normalize(access.teamName) &&
    normalize(value(current.container, 'aud_tag')?.text) === normalize(access.audTag);
  if (!same) {
    const indent = indentAt(text, current.whole.startIndex);
    const rendered = accessBlockLines(access, indent, v5).join('\n').slice(indent.length);
    edits.push({ start: current.whole.startIndex, end: current.whole.endIndex, text: rendered });
  }
  return edits;
}

/** Adds `label` to a services list (or renames `oldLabel`), keeping the list's own layout. */
export function servicesEdits(text: string, tuple: Node, label: string, oldLabel: string | null): TextEdit[] {
  const elements = tupleElements(tuple);
  const values = elements.map((e) => staticString(e));
  if (values.includes(label)) return [];
  const quoted = hclString(label);
  const old = oldLabel === null ? -1 : values.indexOf(oldLabel);
  if (old !== -1) {
    const node = elements[old]!;
    return [{ start: node.startIndex, end: node.endIndex, text: quoted }];
  }
  return appendElement(text, tuple, quoted);
}

/** Appends one element to a list, keeping its layout (one line or one element per line, commas). */
export function appendElement(text: string, tuple: Node, element: string): TextEdit[] {
  const last = tupleElements(tuple).at(-1);
  if (!last) return [{ start: tuple.startIndex, end: tuple.endIndex, text: `[${element}]` }];
  const siblings = allChildren(tuple);
  // Nodes are fresh wrapper objects on every access: compare positions, not identity.
  const after = siblings[siblings.findIndex((c) => c.startIndex === last.startIndex) + 1];
  const trailingComma = after?.type === ',';
  const multiLine = tuple.startPosition.row !== tuple.endPosition.row && startsLine(text, last.startIndex);
  if (!multiLine) {
    return trailingComma
      ? [{ start: after.endIndex, end: after.endIndex, text: ` ${element},` }]
      : [{ start: last.endIndex, end: last.endIndex, text: `, ${element}` }];
  }
  const indent = indentAt(text, last.startIndex);
  const indented = element.replace(/\n/g, `\n${indent}`);
  if (trailingComma) {
    const at = lineEnd(text, after.endIndex);
    return [{ start: at, end: at, text: `\n${indent}${indented},` }];
  }
  // No trailing comma: add one after the last element. Take it from the padding before an aligned
  // trailing comment, so the comment column does not move.
  const rest = text.slice(last.endIndex, lineEnd(text, last.endIndex));
  const comma: TextEdit = /^ {2,}(#|\/\/|\/\*)/.test(rest)
    ? { start: last.endIndex, end: last.endIndex + 1, text: ',' }
    : { start: last.endIndex, end: last.endIndex, text: ',' };
  const at = lineEnd(text, last.endIndex);
  return [comma, { start: at, end: at, text: `\n${indent}${indented}` }];
}
