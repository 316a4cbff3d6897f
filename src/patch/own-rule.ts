// Which written-out ingress rule is docker-mcp's (review 1, finding 1). A rule is ours when we wrote
// it (the managed marker), or when its hostname is PROVEN to be the full hostname asked for and it
// has no `path`. Matching on the first label alone took over `docker-mcp.lab.example.net` (another
// zone's route) and path-restricted rules; those belong to someone else and stay as they are.
import { resolveString } from './tf-values.js';
import { isCatchAll, type IngressList, type Rule } from './ingress-hcl.js';
import type { RepoScan } from './repo-scan.js';
import type { RepoPatchInput } from './types.js';

/** `note`: something the report must say (a rule left alone that may be the same host). */
export type OwnRule = { rule: Rule | undefined; note?: string } | { refuse: string };

const lineOf = (rule: Rule): number => rule.whole.startPosition.row + 1;

/**
 * The one rule to keep up to date, none, or a refusal. A hand-written rule for the same host that
 * sends it to another service is refused ("update it by hand"), the same choice the collection
 * planner makes for an item with other values: that rule is a route the user chose (often an older
 * gateway still in use), and silently re-pointing it would lose it. Rules we wrote are updated.
 */
export async function findOwnRule(scan: RepoScan, list: IngressList, input: RepoPatchInput, address: string): Promise<OwnRule> {
  const dir = list.file.dir;
  const candidates: Rule[] = [];
  for (const rule of list.rules) {
    if (isCatchAll(rule)) continue;
    if (rule.managed || (!rule.path && (await resolveString(scan, dir, rule.hostname)) === input.hostname)) candidates.push(rule);
  }
  // No rule for the asked hostname: the rule an earlier run wrote for another answer (a changed
  // --domain-suffix or --tunnel-hostname, review 2 finding 6) is the one that routes to the gateway's
  // own Service — its URL names this release and namespace, so no one else's route has it. That is
  // also how a compact-style rule (`}, {` lines, no room for the marker) is recognised.
  // A rule whose hostname the repo does not prove (`docker-mcp.${var.domain}`, var.domain from
  // TF_VAR in CI: review 4 finding 8) is the user's own route, maybe for exactly this host: rewriting
  // it as a literal would make it and its record drift. It is left alone, with a note.
  const unproven: Rule[] = [];
  if (!candidates.length) {
    for (const rule of list.rules) {
      if (isCatchAll(rule) || rule.path || (await resolveString(scan, dir, rule.service)) !== input.serviceUrl) continue;
      if (rule.hostname && (await resolveString(scan, dir, rule.hostname)) === null) unproven.push(rule);
      else candidates.push(rule);
    }
    if (candidates.length === 1) return { rule: candidates[0] };
  }
  const note = unproven.length
    ? `${unproven.map((r) => `${list.file.relPath}:${lineOf(r)} (hostname = ${r.hostname!.text})`).join(', ')} already routes to the gateway's Service, but the repo does not prove its hostname is ${input.hostname}, so it is left as it is and a rule for ${input.hostname} is added; if it is the same host (e.g. the variable is set in CI), remove one of the two.`
    : undefined;
  if (!candidates.length) return { rule: undefined, ...(note ? { note } : {}) };
  if (candidates.length > 1) {
    return { refuse: `ambiguous: ${candidates.length} ingress rules in ${address} look like docker-mcp's (lines ${candidates.map(lineOf).join(', ')}); keep one` };
  }
  const rule = candidates[0];
  if (!rule || rule.managed) return { rule };
  const service = await resolveString(scan, dir, rule.service);
  if (service === input.serviceUrl) return { rule };
  const shown = service ?? rule.service?.text ?? '(no service)';
  return {
    refuse:
      `${list.file.relPath}:${lineOf(rule)} already routes ${input.hostname} to ${shown}, a rule docker-mcp did not write; ` +
      `update it by hand (service = "${input.serviceUrl}") or remove it, then run again`,
  };
}
