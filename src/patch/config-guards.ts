// Tunnel configs the patcher could edit but must not: Terraform would never apply the edit
// (review 2 finding 9), so the user gets a refusal naming the line instead of a false success.
import type { Node } from 'web-tree-sitter';
import { attributeValue, blockBody, bodyBlocks, findAttribute, isTuple, tupleElements, unwrap } from './hcl-nodes.js';
import type { TfFile } from './repo-scan.js';

/** 1-based line of a node, for `file:line` in messages. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

/**
 * `lifecycle { ignore_changes = [config] }` (or `all`, or a path below `config`): Terraform keeps
 * whatever Cloudflare has, so a rule added to the file would never be applied.
 * (Terraform docs, meta-arguments/lifecycle: `ignore_changes` takes attribute paths or `all`.)
 */
export function ignoredConfig(file: TfFile, block: Node): string | null {
  for (const lifecycle of bodyBlocks(blockBody(block), 'lifecycle')) {
    const attr = findAttribute(blockBody(lifecycle), 'ignore_changes');
    const value = unwrap(attr ? attributeValue(attr) : undefined);
    if (!attr || !value) continue;
    const text = value.text.replace(/\s+/g, '');
    // `all` (a keyword; older Terraform also took the string "all"), or any element naming config.
    const elems = isTuple(value) ? tupleElements(value).map((n) => n.text.replace(/\s+/g, '')) : [text];
    const hit = elems.some((e) => /^"?all"?$/.test(e) || /^"?config(\b|\[|\.|"|$)/.test(e));
    if (hit) {
      return (
        `its \`lifecycle { ignore_changes = ${value.text} }\` (${file.relPath}:${lineOf(attr)}) tells Terraform never to apply ` +
        'changes to the tunnel config, so a rule added there would never reach Cloudflare. Either drop `config` from ' +
        'ignore_changes (first copy any rules edited in the dashboard into the file, or Terraform removes them) and run init ' +
        'again, or add the rule where the rules are really edited (the Zero Trust dashboard: Networks → Tunnels → Public hostnames)'
      );
    }
  }
  return null;
}
