// Hostnames of literal HCL rules: what each existing rule's hostname proves to be (for the
// never-matching check), and how to write the new one — in the siblings' `"x.${…}"` style only
// when `${…}` is proven to be the answers' domain; otherwise the literal hostname the user asked for.
import { unwrap } from './hcl-nodes.js';
import { siblingSuffix, type Rule } from './ingress-hcl.js';
import type { RuleView } from './match.js';
import { hclString } from './render.js';
import type { RepoScan } from './repo-scan.js';
import { resolveString } from './tf-values.js';

export async function hostnameExpr(scan: RepoScan, dir: string, others: Rule[], fqdn: string, notes: string[]): Promise<string> {
  const suffix = siblingSuffix(others);
  const dot = fqdn.indexOf('.');
  if (!suffix || dot === -1) return hclString(fqdn);
  const rest = fqdn.slice(dot + 1);
  const values = new Set<string | null>();
  for (const rule of others.filter((r) => r.hostname)) {
    const value = await resolveString(scan, dir, rule.hostname);
    values.add(value === null ? null : value.slice(value.indexOf('.') + 1));
  }
  const resolved = values.size === 1 ? [...values][0]! : null;
  if (resolved === rest) {
    const templated = `"${fqdn.slice(0, dot)}.${suffix}"`;
    notes.push(`The docker-mcp rule follows the other rules' style, ${templated} (${suffix} is "${rest}").`);
    return templated;
  }
  notes.push(
    resolved === null
      ? `The other rules use ${suffix}, whose value the repo does not prove; the docker-mcp rule uses the literal hostname ${fqdn}.`
      : `The other rules use ${suffix}, which is "${resolved}", not "${rest}"; the docker-mcp rule uses the literal hostname ${fqdn}.`,
  );
  return hclString(fqdn);
}

/** Each rule's hostname as far as the repo proves it; `unknown` when it could be anything (a wildcard included). */
export async function ruleViews(scan: RepoScan, dir: string, rules: Rule[]): Promise<RuleView<Rule>[]> {
  const out: RuleView<Rule>[] = [];
  for (const rule of rules) {
    const hostname = rule.hostname ? await resolveString(scan, dir, rule.hostname) : null;
    // `"grafana.${var.x}"` can only ever match names starting with "grafana.".
    const fixedLabel = /^"([A-Za-z0-9-]+)\./.exec(unwrap(rule.hostname)?.text ?? '')?.[1]?.toLowerCase();
    const unknown = rule.hostname !== undefined && hostname === null && fixedLabel === undefined;
    const path = rule.path ? await resolveString(scan, dir, rule.path) : null;
    out.push({ rule, hostname, unknown, hasPath: rule.path !== undefined, shown: hostname ?? rule.hostname?.text ?? '', hostless: rule.hostname === undefined || hostname === '', path });
  }
  return out;
}
