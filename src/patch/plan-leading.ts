// Review 3, finding 7: when no item of the collection can make the docker-mcp rule (the hostname
// pattern cannot produce the host, the collection is a derived local such as
// `{ for a in local.apps : a.name => a }` or `merge(local.a, local.b)`, or every item sets an
// attribute the patcher cannot derive), a v5 `concat([for …], [catch-all])` still has a safe place
// for the rule: a list of its own as concat's first argument. cloudflared takes the first match and
// the rule is for the exact host, so it takes nothing from the generated rules. Writing it there
// beats a refusal whose snippet (a bare `{ hostname, service }` object) could not be pasted into the
// collection anyway. A re-run finds the rule in that leading list and is a no-op.
import type { Node } from 'web-tree-sitter';
import { applyTextEdits, inlineMarkerComment, type TextEdit } from './hcl-edits.js';
import { indentAt, isObject, isTuple, lineStart, namedChildren, startsLine, staticString, tupleElements, unwrap } from './hcl-nodes.js';
import { desiredAccess, hclString, renderInlineRule, renderRule } from './render.js';
import { makeRule, type IngressList, type Rule } from './ingress-hcl.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { leadingListAt } from './plan-ahead.js';
import { planHclLiteral } from './plan-terraform.js';
import { parseHcl } from '../templates/hcl-parse.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

/**
 * The refusals a leading list may work around: the collection cannot carry the item. Anything else
 * (an ambiguity between collections or module calls, an item for the host already there, …) keeps
 * its refusal, because a written-out rule there would route around a choice the user must make.
 */
const CANNOT_CARRY = [
  /cannot produce "/,
  /is not a (list|map)( of object or string literals| or map literal)/,
  /takes \S+, which is not one map literal/,
  /which the patcher cannot derive/,
];

/** `concat(<literal lists>…, [for …], <literal lists>…)` of the config itself: its parts, else null. */
function concatParts(config: TfTunnelConfig): { leading: Node[]; forArg: Node } | null {
  if (config.source.kind !== 'expression') return null;
  const node = unwrap(config.source.node);
  if (node?.type !== 'function_call' || namedChildren(node)[0]?.text !== 'concat') return null;
  const args = namedChildren(namedChildren(node).find((c) => c.type === 'function_arguments')).filter((c) => c.type === 'expression');
  const fors = args.filter((a) => unwrap(a)?.type === 'for_expr');
  if (fors.length !== 1 || !args.every((a) => unwrap(a)?.type === 'for_expr' || isTuple(unwrap(a)))) return null;
  const forArg = fors[0]!;
  const leading = args.filter((a) => a.startIndex < forArg.startIndex).flatMap((a) => tupleElements(unwrap(a)!));
  return { leading, forArg };
}

/** The literal rules before the `[for …]`, plus the generated rules as one pseudo-rule after them. */
function listOf(config: TfTunnelConfig, leading: Node[], forArg: Node): { list: IngressList; generated: Rule } {
  const rules = leading.filter((e) => isObject(unwrap(e))).map((e) => makeRule(e, { v5: true, node: unwrap(e)!, inner: unwrap(e)! }));
  const generated: Rule = { v5: true, node: forArg, inner: undefined, whole: forArg, hostname: undefined, service: undefined, path: undefined, managed: false };
  return { list: { v5: true, file: config.file, resource: config.block, rules, topLevelAccess: false }, generated };
}

/** The rule as the first element of the leading list that holds `element`. */
function firstOf(config: TfTunnelConfig, element: Node, input: RepoPatchInput): { edit: TextEdit } | string {
  const { text } = config.file;
  if (!startsLine(text, element.startIndex)) return 'the first written-out rule does not start its own line';
  const indent = indentAt(text, element.startIndex);
  // renderRule's v5 element ends with its own comma.
  const rule = renderRule({ hostname: hclString(input.hostname), service: hclString(input.serviceUrl), access: desiredAccess(input.access) }, indent, true);
  const at = lineStart(text, element.startIndex);
  return { edit: { start: at, end: at, text: `${rule}\n` } };
}

/** concat(…) written on one line: the list goes inline before `[for …]`, marked as compact lists are. */
function inlineBefore(node: Node, input: RepoPatchInput): { edit: TextEdit } {
  const rule = renderInlineRule({ hostname: hclString(input.hostname), service: hclString(input.serviceUrl), access: desiredAccess(input.access) });
  return { edit: { start: node.startIndex, end: node.startIndex, text: `[${inlineMarkerComment} ${rule}], ` } };
}

/** The written-out rule in a leading list of concat(…), or null when that is not safe or not possible. */
export async function planLeading(model: RepoModel, config: TfTunnelConfig, input: RepoPatchInput, why: string): Promise<RepoPatchPlan | null> {
  if (config.version !== 'v5' || !CANNOT_CARRY.some((re) => re.test(why))) return null;
  // A module instantiated by a call: its rules may serve several tunnels (finding 1), never written into.
  if ([...model.scan!.calls.values()].some((dirs) => dirs.includes(config.file.dir))) return null;
  const parts = concatParts(config);
  if (!parts) return null;
  const { list, generated } = listOf(config, parts.leading, parts.forArg);
  // A re-run (the rule written out last time is in the leading list), or the user's own rule for the
  // host there: planHclLiteral updates it in place or finds nothing to do.
  const forHost = list.rules.some((r) => r.managed || staticString(r.hostname) === input.hostname);
  if (forHost) {
    const plan = await planHclLiteral(model, config, list, input, generated);
    return plan.refused ? null : plan;
  }
  // Other literal rules ahead: the docker-mcp rule goes first of all (exact host, so it takes
  // nothing from them); else a leading list of its own.
  const first = list.rules[0];
  const lead = first ? firstOf(config, first.whole, input) : startsLine(config.file.text, parts.forArg.startIndex) ? leadingListAt(config.file, parts.forArg, input) : inlineBefore(parts.forArg, input);
  if (typeof lead === 'string') return null;
  // The DNS record, docker-mcp.tf and notes are planHclLiteral's; only the rule's edit is ours.
  const plan = await planHclLiteral(model, config, list, input, generated);
  if (plan.refused) return null;
  const after = applyTextEdits(config.file.text, [lead.edit]);
  const parsed = await parseHcl(after);
  const broken = parsed.errors.length > 0;
  parsed.tree.delete();
  if (broken) return null;
  plan.edits = [{ path: config.file.path, relPath: config.file.relPath, before: config.file.text, after }, ...plan.edits.filter((e) => e.path !== config.file.path)];
  // planHclLiteral's words are for a rule above a dynamic block; this one is a leading list of concat(…).
  plan.notes = plan.notes.filter((n) => !n.includes('dynamic "ingress_rule"')).map((n) => n.replace('adding a written-out docker-mcp rule above its dynamic block', 'writing the docker-mcp rule out before the rules its [for …] builds'));
  plan.notes.splice(2, 0, `${config.address}: ${why.replace(/; add the item to .* by hand$/, '')}; so the docker-mcp rule is written out ${first ? `as the first of the rules written before the generated ones (line ${first.whole.startPosition.row + 1})` : `in a list of its own as the first argument of concat(…) (line ${parts.forArg.startPosition.row + 1})`}: for the exact host and first, it takes nothing from the other rules.`);
  return plan;
}
