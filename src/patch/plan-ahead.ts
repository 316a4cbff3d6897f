// Literal rules written AHEAD of a collection's generated rules (review 1, finding 2): v5
// `concat([{ hostname = "*.${var.domain}", … }], [for …], [catch-all])` and v4 static `ingress_rule`
// blocks above `dynamic "ingress_rule"`. cloudflared takes the first match, so when one of them
// catches the hostname, an item added to the collection could never match: the rule is written out
// directly above that literal rule instead.
import { relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Generator } from './generator.js';
import { ruleViews } from './hcl-hostnames.js';
import { makeRule, readAroundDynamic, type IngressList, type Rule } from './ingress-hcl.js';
import { indentAt, isObject, lineStart, startsLine, unwrap } from './hcl-nodes.js';
import type { TextEdit } from './hcl-edits.js';
import { desiredAccess, hclString, renderRule } from './render.js';
import { firstShadowing } from './match.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { planHclLiteral } from './plan-terraform.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

/** The written-out rules ahead of the generated ones, as one literal list plus the generator as a pseudo-rule. */
function around(config: TfTunnelConfig, g: Generator): { list: IngressList; generated: Rule; file: TfTunnelConfig['file'] } | null {
  if (config.source.kind === 'dynamic') {
    const found = readAroundDynamic(config.file, config.block);
    if (!found) return null;
    return { list: found.list, generated: found.dynamic, file: config.file };
  }
  if (!g.ahead) return null;
  const { file, elements, forNode } = g.ahead;
  const rules = elements.filter((e) => isObject(unwrap(e))).map((e) => makeRule(e, { v5: true, node: unwrap(e)!, inner: unwrap(e)! }));
  const generated: Rule = { v5: true, node: forNode, inner: undefined, whole: forNode, hostname: undefined, service: undefined, path: undefined, managed: false };
  return { list: { v5: true, file, resource: config.block, rules, topLevelAccess: false }, generated, file };
}

/** Why an item of the collection could never match: a literal rule ahead catches (or may catch) the hostname. */
export async function shadowAhead(model: RepoModel, config: TfTunnelConfig, g: Generator, host: string): Promise<string | null> {
  const found = around(config, g);
  if (!found) return null;
  const ahead = found.list.rules.filter((r) => r.whole.startIndex < found.generated.whole.startIndex);
  const shadow = firstShadowing(await ruleViews(model.scan!, found.file.dir, ahead), host);
  if (!shadow) return null;
  const where = `${relative(model.scan!.repoDir, found.file.path)}:${shadow.rule.whole.startPosition.row + 1}`;
  // A re-run: the rule written out last time is the first match, as it should be.
  if (shadow.hostname === host) return `the docker-mcp rule is already written out at ${where}, ahead of the rules built from ${g.collection.ref}`;
  const how = shadow.why ? `(${shadow.shown}) ${shadow.why}, so it may catch` : shadow.unknown ? `has a hostname the repo does not prove (${shadow.shown}), which may catch` : `("${shadow.shown}") catches`;
  return `the rule at ${where}, written before the rules built from ${g.collection.ref}, ${how} ${host} first, so an item of ${g.collection.ref} could never match`;
}

/** The plain rule directly above the literal rule that catches the hostname (v5 concat, v4 static blocks). */
export async function planAhead(model: RepoModel, config: TfTunnelConfig, g: Generator, input: RepoPatchInput, why: string): Promise<RepoPatchPlan | null> {
  const found = around(config, g);
  if (!found) return null;
  const plan = await planHclLiteral(model, { ...config, file: found.file }, found.list, input, found.generated);
  if (plan.refused) return null;
  const done = why.startsWith('the docker-mcp rule is already') ? '' : '; the docker-mcp rule is written out directly above it instead';
  plan.notes.splice(2, 0, `${config.address}: ${why}${done}.`);
  return plan;
}

/**
 * A map collection whose key order puts a catching item first (a `"*"` key sorts before every
 * letter; Terraform iterates a map, like keys(), in lexicographical key order): no key for
 * docker-mcp can come before it while the key makes the hostname, so the rule is written out in a
 * list of its own before the `[for …]` argument of concat(…). On a re-run that list is "ahead"
 * (shadowAhead finds the rule already written out), so the run is a no-op.
 */
export function leadingListEdit(g: Generator, input: RepoPatchInput): { edit: TextEdit; file: TfTunnelConfig['file'] } | string {
  if (!g.concatFor) return 'the rules are not built by concat(…), so there is no place for a written-out rule before them';
  return leadingListAt(g.concatFor.file, g.concatFor.arg, input);
}

/** The docker-mcp rule as a list of its own, inserted on the line before `arg` (the `[for …]` of concat). */
export function leadingListAt(file: TfTunnelConfig['file'], arg: Node, input: RepoPatchInput): { edit: TextEdit; file: TfTunnelConfig['file'] } | string {
  if (!startsLine(file.text, arg.startIndex)) return `the [for …] argument at ${file.relPath}:${arg.startPosition.row + 1} does not start its own line`;
  const indent = indentAt(file.text, arg.startIndex);
  const rule = renderRule({ hostname: hclString(input.hostname), service: hclString(input.serviceUrl), access: desiredAccess(input.access) }, `${indent}  `, true);
  const at = lineStart(file.text, arg.startIndex);
  return { file, edit: { start: at, end: at, text: `${indent}[\n${rule}\n${indent}],\n` } };
}
