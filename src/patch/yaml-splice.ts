// Text splices for YAML edits: the new rule's text is inserted into the original source at an offset
// found from the yaml library's node ranges, written in the list's own style (block or flow, dash
// and key columns, quote style, line ending). Re-emitting the document instead would re-indent
// zero-indented lists, turn CRLF into LF, expand flow lists and move comments (review 1 finding 6).
import { Document, isMap, isScalar, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';

/** Replace `remove` characters at `at` with `text`, in the coordinates of the text being edited. */
export interface Splice {
  at: number;
  remove: number;
  text: string;
}

export const eolOf = (text: string): string => (text.includes('\r\n') ? '\r\n' : '\n');

export function applySplices(text: string, splices: Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.at - a.at)) out = out.slice(0, s.at) + s.text + out.slice(s.at + s.remove);
  return out;
}

const lineStart = (text: string, pos: number): number => text.lastIndexOf('\n', pos - 1) + 1;

/** The offset just after the line holding `pos - 1`, i.e. where a line after a node's end begins. */
function afterLine(text: string, pos: number): number {
  if (pos > 0 && text[pos - 1] === '\n') return pos;
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl + 1;
}

export type StringStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
/** The quote style the list uses per key (`hostname`, `service`); keys it does not show stay plain. */
export type ListStyle = Record<string, StringStyle>;

/** How the list writes each key's value (wildcards must be quoted, so they say nothing about taste). */
export function listStyleOf(rules: YAMLMap[]): ListStyle {
  const style: ListStyle = {};
  for (const key of ['hostname', 'service']) {
    for (const rule of rules) {
      const node = rule.get(key, true);
      if (!isScalar(node) || typeof node.value !== 'string' || node.value.startsWith('*')) continue;
      style[key] = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node.type : 'PLAIN';
      break;
    }
  }
  return style;
}

function renderScalar(value: string, style: StringStyle): string {
  return new Document(value).toString({ defaultStringType: style, lineWidth: 0 }).replace(/\n$/, '');
}

/** The rule as a document whose top-level strings carry the list's quote style. */
function styledDoc(rule: Record<string, unknown>, style: ListStyle): Document {
  const doc = new Document(rule);
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (isScalar(pair.value) && typeof pair.value.value === 'string' && style[key]) pair.value.type = style[key];
    }
  }
  return doc;
}

/** A rule as block lines at the list's columns: `<dash>- key: v` then `<content>key: v`. */
function blockItem(rule: Record<string, unknown>, dashCol: string, contentCol: number, style: ListStyle, marker: string | null): string[] {
  const body = styledDoc(rule, style).toString({ lineWidth: 0 }).replace(/\n$/, '').split('\n');
  const gap = ' '.repeat(Math.max(1, contentCol - dashCol.length - 1));
  return [
    ...(marker ? [`${dashCol}# ${marker}`] : []),
    `${dashCol}-${gap}${body[0]}`,
    ...body.slice(1).map((l) => (l ? ' '.repeat(contentCol) + l : l)),
  ];
}

function flowItem(rule: Record<string, unknown>, style: ListStyle, spaced: boolean): string {
  const text = styledDoc(rule, style).toString({ collectionStyle: 'flow', lineWidth: 0 }).replace(/\n$/, '');
  // An unspaced list (`[{a: 1}]`) gets unspaced braces and brackets at every level; a value that held
  // such a sequence would change, which the planner's read-back check refuses.
  return spaced ? text : text.replace(/([{[]) /g, '$1').replace(/ ([}\]])/g, '$1');
}

/**
 * Where a new block item goes so that it sits directly above item `k`: above the comments that
 * introduce that item (at or left of the dash column), below blank lines and deeper-indented
 * comments that belong to the item before.
 */
function blockInsertOffset(text: string, item: Node, dashCol: number): number {
  let at = lineStart(text, item.range![0]);
  for (;;) {
    if (at === 0) break;
    const prev = lineStart(text, at - 1);
    const line = text.slice(prev, at).replace(/\r?\n$/, '');
    const indent = /^[ \t]*/.exec(line)![0].length;
    if (line.trim() === '' || (line.trim().startsWith('#') && indent <= dashCol)) at = prev;
    else break;
  }
  while (at < item.range![0] && text.slice(at, afterLine(text, at + 1)).trim() === '') at = afterLine(text, at + 1);
  return at;
}

/** The splice that puts `rule` at index `at` of the list `seq` (items already known to be maps). */
export function insertItem(text: string, seq: YAMLSeq, at: number, rule: Record<string, unknown>, marker: string | null): Splice {
  const items = seq.items as YAMLMap[];
  const style = listStyleOf(items);
  const eol = eolOf(text);
  if (seq.flow && items.length === 0) return { at: seq.range![0] + 1, remove: 0, text: flowItem(rule, style, false) };
  if (seq.flow) {
    const spaced = /^\{\s/.test(text.slice(items[0]!.range![0]));
    const gap = items.length > 1 ? text.slice(items[0]!.range![1], items[1]!.range![0]) : ', ';
    const item = flowItem(rule, style, spaced);
    if (at < items.length) return { at: items[at]!.range![0], remove: 0, text: item + gap };
    return { at: items.at(-1)!.range![1], remove: 0, text: gap + item };
  }
  const first = items[0]!.range![0];
  const firstLine = text.slice(lineStart(text, first), first);
  const dashCol = /^[ \t]*/.exec(firstLine)![0];
  // `- {hostname: a, service: b}` items: ours is one flow map on its dash line too.
  const lines = isMap(items[0]) && items[0].flow
    ? [...(marker ? [`${dashCol}# ${marker}`] : []), `${dashCol}- ${flowItem(rule, style, /^\{\s/.test(text.slice(first)))}`]
    : blockItem(rule, dashCol, firstLine.length, style, marker);
  const block = lines.map((l) => l + eol).join('');
  if (at < items.length) return { at: blockInsertOffset(text, items[at]!, dashCol.length), remove: 0, text: block };
  const end = afterLine(text, items.at(-1)!.range![1]);
  return { at: end, remove: 0, text: (end > 0 && text[end - 1] !== '\n' ? eol : '') + block };
}

/** A list under a new key `key:` at the end of the map `holder` (chart values with no ingress yet). */
export function addListKey(text: string, holder: YAMLMap, key: string, rule: Record<string, unknown>, marker: string | null): Splice | null {
  const last = holder.items.at(-1);
  const firstKey = holder.items[0]?.key;
  if (holder.flow || !last || !isScalar(firstKey) || !firstKey.range) return null;
  const keyCol = text.slice(lineStart(text, firstKey.range[0]), firstKey.range[0]);
  if (keyCol.trim() !== '') return null;
  const end = (last.value as Node | null)?.range?.[1] ?? (last.key as Node).range![1];
  const eol = eolOf(text);
  const at = afterLine(text, end);
  const lines = [`${keyCol}${key}:`, ...blockItem(rule, `${keyCol}  `, keyCol.length + 4, {}, marker)];
  return { at, remove: 0, text: (at > 0 && text[at - 1] !== '\n' ? eol : '') + lines.map((l) => l + eol).join('') };
}

/** Replaces a one-line scalar's value in its own quote style; null when it is not that simple. */
export function replaceScalar(text: string, node: unknown, value: string): Splice | null {
  if (!isScalar(node) || !node.range || text.slice(node.range[0], node.range[1]).includes('\n')) return null;
  const style: StringStyle = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE' ? node.type : 'PLAIN';
  return { at: node.range[0], remove: node.range[1] - node.range[0], text: renderScalar(value, style) };
}

/** Replaces a whole list item (block: from its dash to its last line; flow: its braces). */
export function replaceItem(text: string, seq: YAMLSeq, item: YAMLMap, rule: Record<string, unknown>): Splice {
  const items = seq.items as YAMLMap[];
  const style = listStyleOf(items);
  if (seq.flow) return { at: item.range![0], remove: item.range![1] - item.range![0], text: flowItem(rule, style, /^\{\s/.test(text.slice(item.range![0]))) };
  const first = items[0]!.range![0];
  const firstLine = text.slice(lineStart(text, first), first);
  const dashCol = /^[ \t]*/.exec(firstLine)![0];
  const from = lineStart(text, item.range![0]);
  const to = afterLine(text, item.range![1]);
  const eol = eolOf(text);
  const lines = item.flow ? [`${dashCol}- ${flowItem(rule, style, /^\{\s/.test(text.slice(item.range![0])))}`] : blockItem(rule, dashCol, firstLine.length, style, null);
  return { at: from, remove: to - from, text: lines.map((l) => l + eol).join('') };
}

/** A block scalar's body in the file: its indentation and the offset where each body line starts. */
export interface BlockBody {
  indent: string;
  starts: number[];
  end: number;
  /** The body as a literal (`|`) block reads it: each line without the indentation, LF endings. */
  literal: string;
}

/**
 * The body of a block scalar (`|`, `|-`, `|+`, `|2`, `>`…). The indentation is the header's digit
 * over the parent's column when there is one (the first line may then be indented deeper), else
 * the first non-blank line's; every non-blank line must start with it. Null when unsure.
 */
export function blockBody(fileText: string, scalar: Scalar): BlockBody | null {
  const [start, end] = scalar.range ?? [];
  if (start === undefined || end === undefined) return null;
  const source = fileText.slice(start, end);
  const headerEnd = source.indexOf('\n');
  const header = /^[|>]([1-9+-]*)/.exec(source)?.[1] ?? '';
  const digit = /\d/.exec(header)?.[0];
  // The parent's column: the key's, after the line's spaces and any `- ` of a list item.
  const parent = /^[ ]*(?:-[ ]+)*/.exec(fileText.slice(lineStart(fileText, start), start))![0].length;
  const indent = digit ? ' '.repeat(parent + Number(digit)) : /\n([ ]+)\S/.exec(source)?.[1];
  if (headerEnd === -1 || !indent) return null;
  const starts: number[] = [];
  const lines: string[] = [];
  for (let pos = start + headerEnd + 1; pos < end; pos = afterLine(fileText, pos + 1)) {
    const line = fileText.slice(pos, afterLine(fileText, pos + 1)).replace(/\r?\n$/, '');
    if (line.trim() !== '' && !line.startsWith(indent)) return null;
    starts.push(pos);
    lines.push(line.slice(indent.length));
  }
  return { indent, starts, end, literal: lines.map((l) => `${l}\n`).join('') };
}

/**
 * Maps splices made in a literal block scalar's value to the file holding it: value line i is body
 * line i of the scalar's source with the block indentation in front. `|-` and `|+` only change the
 * trailing line breaks of the value, and `|2` where the body starts, so all literal variants map the
 * same way once blockBody found the indentation; the body read back must equal the parsed value
 * (up to those trailing breaks), else null. Folded (`>`) scalars are never edited: there a line's
 * break depends on its neighbours, so a spliced rule would not read as written.
 */
export function intoBlockScalar(fileText: string, scalar: Scalar, splices: Splice[]): Splice[] | null {
  if (scalar.type !== 'BLOCK_LITERAL' || typeof scalar.value !== 'string') return null;
  const body = blockBody(fileText, scalar);
  if (!body || body.literal.replace(/\n+$/, '') !== scalar.value.replace(/\n+$/, '')) return null;
  const { indent, starts, end } = body;
  const eol = eolOf(fileText);
  const value = scalar.value;
  const out: Splice[] = [];
  for (const s of splices) {
    const line = value.slice(0, s.at).split('\n').length - 1;
    const col = s.at - lineStart(value, s.at);
    const removed = value.slice(s.at, s.at + s.remove);
    if (line >= starts.length || (col === 0 && s.remove > 0 && !removed.endsWith('\n'))) return null;
    const text = s.text.replace(/\r?\n/g, '\n');
    if (col === 0) {
      // Whole lines: each gets the block indentation; removed lines are removed with theirs.
      const lastLine = line + removed.split('\n').length - 1;
      const to = s.remove === 0 ? starts[line]! : (starts[lastLine] ?? end);
      const body = text.split('\n').slice(0, -1).map((l) => (l ? indent + l : l) + eol).join('');
      if (text && !text.endsWith('\n')) return null;
      out.push({ at: starts[line]!, remove: to - starts[line]!, text: body });
    } else {
      if (text.includes('\n') || removed.includes('\n')) return null;
      out.push({ at: starts[line]! + indent.length + col, remove: s.remove, text });
    }
  }
  return out;
}
