// A tunnel module called more than once (review 3, finding 1): every call makes its own tunnel
// config from the same child module, so a rule (or DNS record) written into the child would be in
// every tunnel. Nothing is ever written inside such a module. The item goes into the collection
// argument of the one call whose own arguments prove the hostname (its `domain = …` resolves, through
// the caller's locals, vars and tfvars, to the hostname's zone); when no call or more than one does,
// the plan refuses naming every call with the item in its collection's shape.
import { relative } from 'node:path';
import { attributeValue, blockBody, blockLabels, bodyAttributes, findAttribute, isObject, isTuple, namedChildren, objectElems, tupleElements, unwrap } from './hcl-nodes.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { emptyPlan, refuseTerraform } from './refuse.js';
import type { RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';
import { callsOf, pinCall, type ModuleCall } from './tf-lookup.js';
import type { RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';

/** Plans the collection edit for a model whose scan sees only one call (planGenerated's planner). */
export type PinnedPlanner = (model: RepoModel) => Promise<RepoPatchPlan>;

/**
 * The lines an edit inserts (the data edits only add): what `after` has that `before` has not, taken
 * from the start of a line, so the snippet reads as whole lines in the file's own indentation.
 */
function inserted(before: string, after: string): { text: string; line: number } {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  const length = after.length - before.length;
  const lineStart = before.lastIndexOf('\n', p - 1) + 1;
  const whole = after.slice(lineStart, lineStart + length);
  const line = before.slice(0, lineStart).split('\n').length;
  return after.slice(lineStart + length) === before.slice(lineStart) ? { text: whole, line } : { text: after.slice(p, p + length), line };
}

/** Whether one of the call's arguments resolves (through the caller's locals, vars, tfvars) to `value`. */
async function argumentIs(scan: RepoScan, call: ModuleCall, value: string): Promise<boolean> {
  for (const arg of bodyAttributes(blockBody(call.block))) {
    if ((await resolveString(scan, call.file.dir, attributeValue(arg))) === value) return true;
  }
  return false;
}

/**
 * How many instances one call makes by itself: 1 without `for_each`/`count`; the element count of a
 * literal `for_each` (`toset([…])`, `[…]`, `{…}`) or `count`; `count = c ? 1 : 0` is at most one.
 * null when the repo does not prove it (an unknown `for_each` may make several: review 4 finding 1).
 */
function ownInstances(call: ModuleCall): number | null {
  const body = blockBody(call.block);
  const countAttr = findAttribute(body, 'count');
  const count = countAttr ? (unwrap(attributeValue(countAttr))?.text.trim() ?? '') : undefined;
  const forEach = findAttribute(body, 'for_each');
  if (count === undefined && !forEach) return 1;
  if (count !== undefined) {
    if (/^\d+$/.test(count)) return Number(count);
    return /\?\s*[01]\s*:\s*[01]$/.test(count) ? 1 : null;
  }
  let node = unwrap(attributeValue(forEach!));
  while (node?.type === 'function_call' && ['toset', 'tomap'].includes(namedChildren(node)[0]?.text ?? '')) {
    const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
    node = args.length === 1 ? unwrap(args[0]) : undefined;
  }
  if (isTuple(node)) return new Set(tupleElements(node).map((e) => e.text)).size;
  return isObject(node) ? objectElems(node).length : null;
}

/**
 * Why the module at `dir` may have more than one instance, naming the calls that make them (a call
 * with `for_each`/`count`, two calls, or any ancestor module called so: a module reached through a
 * parent called twice is instantiated twice); null when it has at most one. The root has one.
 */
export function multiInstance(scan: RepoScan, dir: string, depth = 0): string | null {
  const calls = callsOf(scan, dir);
  const name = (c: ModuleCall): string => `module "${blockLabels(c.block)[0]}" (${relative(scan.repoDir, c.file.path)}:${c.block.startPosition.row + 1})`;
  if (calls.length > 1) return `it is called ${calls.length} times (${calls.map(name).join(', ')})`;
  const call = calls[0];
  if (!call || depth > 8) return null;
  const own = ownInstances(call);
  if (own === null) return `${name(call)} has a for_each/count the repo does not prove to make one instance`;
  if (own > 1) return `${name(call)} makes ${own} instances through its for_each/count`;
  const above = multiInstance(scan, call.file.dir, depth + 1);
  return above && `${name(call)} is inside ${relative(scan.repoDir, call.file.dir) || '.'}, where ${above}`;
}

/** Whether the module at `dir` is instantiated more than once (then nothing is written inside it). */
export function calledMoreThanOnce(model: RepoModel, dir: string): boolean {
  return model.scan !== null && multiInstance(model.scan, dir) !== null;
}

/**
 * `refused` is the collection planner's ambiguity refusal. A call "proves" the hostname when, with
 * only that call in view, the item can be built and added (the hostname field inverts to the
 * answers under that call's arguments); exactly one such call gets the edit.
 */
export async function planPerCall(model: RepoModel, config: TfTunnelConfig, input: RepoPatchInput, prefix: string, refused: RepoPatchPlan, plan: PinnedPlanner): Promise<RepoPatchPlan> {
  const scan = model.scan!;
  const dir = config.file.dir;
  const calls = callsOf(scan, dir);
  const name = (c: ModuleCall): string => `module "${blockLabels(c.block)[0]}" (${relative(scan.repoDir, c.file.path)}:${c.block.startPosition.row + 1})`;
  const tried: { call: ModuleCall; plan: RepoPatchPlan }[] = [];
  for (const call of calls) tried.push({ call, plan: await plan({ ...model, scan: pinCall(scan, dir, call) }) });
  const built = tried.filter((t) => !t.plan.refused);
  // `"${key}.${var.domain}"` also inverts to key "docker-mcp.lab" under domain example.com: when
  // several calls can build it, the one whose own argument IS the hostname's domain proves it.
  const domain = input.hostname.split('.').slice(1).join('.');
  const exact: typeof built = [];
  for (const t of built) if (await argumentIs(scan, t.call, domain)) exact.push(t);
  const proving = built.length > 1 && exact.length === 1 ? exact : built;
  const moduleDir = relative(scan.repoDir, dir) || '.';
  if (proving.length === 1) {
    const { call, plan: chosen } = proving[0]!;
    const others = calls.filter((c) => c !== call).map(name).join(', ');
    chosen.notes.splice(2, 0, `The tunnel module ${moduleDir} is called ${calls.length} times; only the arguments of ${name(call)} make ${input.hostname} (not ${others}), so the item goes into that call's collection and nothing is written inside the shared module.`);
    // A record written into the shared module would be made once per call: it goes to the caller.
    for (const snippet of chosen.snippets) {
      if (snippet.language === 'hcl' && /resource "cloudflare_(dns_)?record"/.test(snippet.text)) {
        snippet.where = `${relative(scan.repoDir, call.file.path)}, next to ${name(call)} (not inside ${moduleDir}, which every call instantiates); use the caller's own expressions for zone_id and the tunnel`;
      }
    }
    return chosen;
  }
  // One snippet per call that can take the item, in its collection's own shape, where it goes.
  const snippets: Snippet[] = [];
  for (const { call, plan: p } of tried) {
    const edit = p.edits.find((e) => e.before !== null && !e.relPath.endsWith('docker-mcp.tf'));
    const at = edit ? inserted(edit.before!, edit.after) : undefined;
    const item = at ? at.text : p.snippets.find((s) => s.title.startsWith('One more item'))?.text;
    if (!item) continue;
    snippets.push({ title: `One more item for ${name(call)}, in its collection's own item shape`, where: edit && at ? `${edit.relPath}:${at.line}: directly above that line, in the collection ${name(call)} passes` : p.snippets[0]!.where, language: 'hcl', text: item.endsWith('\n') ? item : `${item}\n` });
  }
  const why = proving.length > 1 ? `the arguments of ${proving.map((t) => name(t.call)).join(' and ')} each make ${input.hostname}` : `no call's arguments prove ${input.hostname} (its domain argument does not resolve to the hostname's zone)`;
  const reason = `${prefix}the tunnel module ${moduleDir} is called ${calls.length} times (${calls.map(name).join(', ')}) and ${why}; nothing is written inside a module instantiated more than once (every tunnel would route it): add the item to the collection of the call whose tunnel should serve docker-mcp`;
  return refuseTerraform(emptyPlan(scan.repoDir, 'terraform', input), input, {
    reason,
    version: config.version,
    where: calls.map(name).join(', '),
    scan,
    tunnelDir: dir,
    ...(snippets.length ? { ruleSnippets: snippets } : { ruleSnippets: refused.snippets.filter((s) => s.title.startsWith('One more item')) }),
  });
}
