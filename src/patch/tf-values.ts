// Proves what a hostname expression evaluates to, from literals only: `"x.${var.domain}"`,
// `local.grafana_host`, `"*.${local.domain}"`. A variable is resolved through resolveVariable
// (module-call argument, tfvars, default); a local through the `locals` blocks of the same module.
// Anything else (functions, each.*, resources) is unknown: null, never a guess.
import type { Node } from 'web-tree-sitter';
import { attributeName, attributeValue, bodyAttributes, blockBody, namedChildren, staticString, unwrap } from './hcl-nodes.js';
import { topBlocks, type RepoScan, type TfFile } from './repo-scan.js';
import { resolveVariable } from './tf-lookup.js';
import { zoneName } from './tf-data-sources.js';

const REF = /^(var|local)\.([A-Za-z_][\w-]*)$/;
const MAX_DEPTH = 4;

/** Where `local.<name>` of the module at `dir` is set, if exactly one `locals` block sets it. */
export function localDefinition(scan: RepoScan, dir: string, name: string): { file: TfFile; attribute: Node; value: Node } | undefined {
  const found: { file: TfFile; attribute: Node; value: Node }[] = [];
  for (const file of scan.files.filter((f) => f.dir === dir)) {
    for (const block of topBlocks(file, 'locals')) {
      const attribute = bodyAttributes(blockBody(block)).find((a) => attributeName(a) === name);
      const value = attribute ? attributeValue(attribute) : undefined;
      if (attribute && value) found.push({ file, attribute, value });
    }
  }
  return found.length === 1 ? found[0] : undefined;
}


async function resolveRef(scan: RepoScan, dir: string, text: string, depth: number): Promise<string | null> {
  const ref = REF.exec(text.trim());
  // Hook for task B (finding 10): `data.cloudflare_zone.<n>.name` with a literal name (tf-data-sources.ts).
  if (!ref && depth <= MAX_DEPTH && text.trim().startsWith('data.cloudflare_zone.')) return zoneName(scan, dir, text, depth);
  if (!ref || depth > MAX_DEPTH) return null;
  // A module argument is resolved like any expression of the caller: `local.zone`, `"lab.${local.zone}"`.
  if (ref[1] === 'var') return resolveVariable(scan, dir, ref[2]!, depth, (callerDir, expr) => resolveString(scan, callerDir, expr, depth + 1));
  const expr = localDefinition(scan, dir, ref[2]!)?.value;
  return expr ? resolveString(scan, dir, expr, depth + 1) : null;
}

/** The string an expression evaluates to, when literals alone prove it; otherwise null. */
export async function resolveString(scan: RepoScan, dir: string, expr: Node | undefined, depth = 0): Promise<string | null> {
  const node = unwrap(expr);
  if (!node) return null;
  const literal = staticString(node);
  if (literal !== null) return literal;
  if (node.type === 'variable_expr' || node.type === 'get_attr' || /^(var|local|data)\./.test(node.text)) {
    return resolveRef(scan, dir, node.text, depth);
  }
  if (node.type !== 'template_expr') return null;
  const quoted = namedChildren(node)[0];
  if (quoted?.type !== 'quoted_template') return null;
  let out = '';
  for (const part of namedChildren(quoted)) {
    if (part.type === 'template_literal') out += part.text;
    else if (part.type === 'template_interpolation') {
      const inner = namedChildren(part).find((c) => c.type === 'expression');
      const value = await resolveString(scan, dir, inner, depth + 1);
      if (value === null) return null;
      out += value;
    } else if (part.type !== 'quoted_template_start' && part.type !== 'quoted_template_end') return null;
  }
  return out;
}
