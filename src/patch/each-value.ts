// `services = each.value.services` on a module call with `for_each = local.tunnels` (review 4,
// finding 6): the collection is not the argument but one field of each entry of the for_each map.
// The patcher does not edit it (which entry's tunnel should serve docker-mcp is the user's choice);
// the refusal names every entry's field by file:line so the item is added in the right place.
import { relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { attributeValue, blockBody, findAttribute, findObjectElem, isObject, objectElemKey, objectElems, objectElemValue, unwrap } from './hcl-nodes.js';
import type { RepoScan, TfFile } from './repo-scan.js';
import { localDefinition } from './tf-values.js';

/** The refusal for an `each.value.<field>` argument over a `local` map, or null for anything else. */
export function eachValueRefusal(scan: RepoScan, file: TfFile, argument: Node): string | null {
  const field = /^each\.value\.([A-Za-z_][\w-]*)$/.exec(unwrap(attributeValue(argument))?.text.trim() ?? '')?.[1];
  const call = argument.parent?.parent;
  if (!field || !call) return null;
  const over = /^local\.([A-Za-z_][\w-]*)$/.exec(unwrap(attributeValue(findAttribute(blockBody(call), 'for_each') ?? argument))?.text.trim() ?? '')?.[1];
  const def = over ? localDefinition(scan, file.dir, over) : undefined;
  const map = unwrap(def?.value);
  if (!over || !def || !isObject(map)) return null;
  const entries: string[] = [];
  for (const elem of objectElems(map)) {
    const value = unwrap(objectElemValue(elem));
    const target = isObject(value) ? findObjectElem(value, field) : undefined;
    if (target) entries.push(`local.${over}.${objectElemKey(elem)}.${field} (${relative(scan.repoDir, def.file.path)}:${target.startPosition.row + 1})`);
  }
  if (!entries.length) return null;
  const line = `${relative(scan.repoDir, file.path)}:${argument.startPosition.row + 1}`;
  return `${field} = each.value.${field} (${line}) is one entry's ${field} per instance of the for_each over local.${over}; the patcher does not edit it: add the item ("docker-mcp" = the gateway's service URL, in that map's own shape) to the entry whose tunnel should serve docker-mcp: ${entries.join(', ')}`;
}
