// A tunnel module called more than once (review 3, finding 1): every call makes its own tunnel
// config from the same child module, so a rule (or DNS record) written into the child would be in
// every tunnel. Nothing is ever written inside such a module. The item goes into the collection
// argument of the one call whose own arguments prove the hostname (its `domain = …` resolves, through
// the caller's locals, vars and tfvars, to the hostname's zone); when no call or more than one does,
// the plan refuses naming every call with the item in its collection's shape.
import { relative } from 'node:path';
import { attributeValue, blockBody, blockLabels, bodyAttributes } from './hcl-nodes.js';
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

/** Whether the module at `dir` is instantiated more than once (then nothing is written inside it). */
export function calledMoreThanOnce(model: RepoModel, dir: string): boolean {
  return model.scan !== null && callsOf(model.scan, dir).length > 1;
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
