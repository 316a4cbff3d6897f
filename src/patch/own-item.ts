// Which item of a data-driven collection is docker-mcp's, and the edits that bring it up to date on
// a re-run with changed answers (review 2, finding 6). Before, only an item whose hostname was the
// one asked for counted, so a re-run with another --domain-suffix or --tunnel-hostname added a
// second docker-mcp item next to the old one (lists), or refused on the old one's map key (maps).
import { relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { isMarkerLine } from './cloudflared-match.js';
import { valueHcl, type ItemValue } from './data-item.js';
import type { CollectionItem, Generator } from './generator.js';
import type { TextEdit } from './hcl-edits.js';
import { findObjectElem, objectElemValue, staticString, unwrap } from './hcl-nodes.js';
import { evaluate, KEY, VALUE } from './invert.js';
import type { RuleView } from './match.js';
import { hclString } from './render.js';
import type { RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';
import type { RepoPatchInput } from './types.js';

export interface OwnItem {
  view: RuleView<CollectionItem>;
  /**
   * Written by init (its marker line is right above it) or routing to the gateway's own Service (a
   * URL that names this release and namespace, so no one else's route has it): init may rewrite it.
   * A hand-written item for the host that routes elsewhere is the user's, and is refused instead.
   */
  ours: boolean;
}

/** init's marker comment is right above the item (a sibling in the tree, so any file of a merge works). */
function marked(node: Node): boolean {
  let prev = node.previousSibling;
  while (prev && prev.type === ',') prev = prev.previousSibling;
  return prev?.type === 'comment' && isMarkerLine(prev.text);
}

/** The service URL the item's rule gets, when the repo proves it. */
async function serviceOf(scan: RepoScan, g: Generator, item: CollectionItem): Promise<string | null> {
  const field = g.fields.get('service');
  const elem = field ? undefined : g.spread ? findObjectElem(item.object, 'service') : undefined;
  const expr = field ?? (elem ? objectElemValue(elem) : undefined);
  return expr ? evaluate(scan, field ? g : { ...g, fields: new Map() }, expr, item) : null;
}

/**
 * The item for the asked hostname (no `path`), else the one item init wrote for an earlier answer;
 * a string when several items look like init's (the caller refuses: never a third).
 */
export async function findOwnItem(scan: RepoScan, g: Generator, views: RuleView<CollectionItem>[], input: RepoPatchInput): Promise<OwnItem | string | undefined> {
  const ours = async (v: RuleView<CollectionItem>): Promise<boolean> => marked(v.rule.whole) || (await serviceOf(scan, g, v.rule)) === input.serviceUrl;
  const exact = views.find((v) => v.hostname === input.hostname && !v.hasPath);
  if (exact) return { view: exact, ours: await ours(exact) };
  const found: RuleView<CollectionItem>[] = [];
  // Only this collection's items: the update edits its file (merge(…) views span several maps).
  for (const v of views) if (!v.hasPath && g.collection.items.includes(v.rule) && (await ours(v))) found.push(v);
  if (found.length > 1) {
    const lines = found.map((v) => `${relative(scan.repoDir, g.collection.file.path)}:${v.rule.whole.startPosition.row + 1}`);
    return `${found.length} items of ${g.collection.ref} look like docker-mcp's (${lines.join(', ')}: init's marker or the gateway's Service); keep one`;
  }
  return found[0] ? { view: found[0], ours: true } : undefined;
}

/** Attributes that name an item (filled with the hostname's label): renamed only while they still carry the old label. */
export const NAME_ATTRS = ['name', 'key', 'id', 'subdomain', 'label'];

/**
 * The edits that make init's item read `values`, value by value, so its layout, comments and other
 * attributes stay. A name (map key, `name = …`) follows a changed label only when it carried the old
 * one: a key the user chose is kept. A string says why the item cannot be updated in place.
 */
export async function updateOwnItem(scan: RepoScan, g: Generator, own: RuleView<CollectionItem>, values: Map<string, ItemValue>, input: RepoPatchInput): Promise<TextEdit[] | string> {
  const item = own.rule;
  const oldLabel = own.hostname?.split('.')[0];
  const edits: TextEdit[] = [];
  const replace = (node: Node, text: string): void => {
    if (node.text !== text) edits.push({ start: node.startIndex, end: node.endIndex, text });
  };
  for (const [attr, v] of values) {
    if (v.access) continue;
    if (attr === KEY) {
      const key = item.whole.childForFieldName('key');
      if (key && item.key !== v.text && item.key === oldLabel) replace(key, key.text.trim().startsWith('"') || !/^[A-Za-z_][\w-]*$/.test(v.text) ? hclString(v.text) : v.text);
      continue;
    }
    if (attr === VALUE) {
      if (staticString(item.object) !== v.text) replace(item.object, hclString(v.text));
      continue;
    }
    const elem = findObjectElem(item.object, attr);
    const node = elem ? objectElemValue(elem) : undefined;
    if (!node) return `it has no \`${attr}\` to set to "${v.text}"`;
    const now = (await resolveString(scan, g.collection.file.dir, node)) ?? unwrap(node)?.text;
    if (now === v.text) continue;
    if (NAME_ATTRS.includes(attr) && now !== oldLabel) continue;
    replace(node, valueHcl(g, attr, v, input));
  }
  return edits;
}
