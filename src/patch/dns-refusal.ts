// DNS in a refusal, the repo's own way (review 1, finding 10 part 5): what planDns would have written
// (a record cloned from the tunnel's per-host records, a label added to a record's for_each list) is
// printed for the user to paste, instead of nothing or a generic line. A record that already covers
// the host becomes a note; the generic record snippet only when the repo has no way of its own.
import { planDns } from './dns-plan.js';
import { isCatchAll } from './ingress-hcl.js';
import { ruleViews } from './hcl-hostnames.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import type { Shape } from './classify.js';
import type { RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';

/** The proven hostnames of a written-out config's rules (they tell planDns the zone). */
export async function configHosts(model: RepoModel, config: TfTunnelConfig): Promise<string[]> {
  if (config.source.kind !== 'literal' || !model.scan) return [];
  const views = await ruleViews(model.scan, config.file.dir, config.source.list.rules.filter((r) => !isCatchAll(r)));
  return views.map((v) => v.hostname).filter((h): h is string => h !== null);
}

/** `hosts`/`ref`: for a tunnel resource standing in for a config the rules are read elsewhere (file-config-plan.ts). */
export async function dnsRefusalSnippets(model: RepoModel, config: TfTunnelConfig, host: string, tunnel = '', hosts?: string[], ref?: string): Promise<{ snippets: Snippet[]; notes: string[] }> {
  const dns = await planDns(model, config, host, hosts ?? (await configHosts(model, config)), ref);
  // planDns's note says what it did ("DNS: a cloudflare_record …"); in a refusal it is what to do.
  const suffix = tunnel ? ` (${tunnel})` : '';
  const what = (dns.notes.find((n) => n.startsWith('DNS: '))?.slice('DNS: '.length).replace(/\.$/, '') ?? '').replace(' added to ', ' goes into ');
  const snippets: Snippet[] = [];
  const record = dns.edits.find(({ edit }) => /^\s*resource "/.test(edit.text));
  if (record) {
    snippets.push({ title: `DNS record for ${host}${suffix}: ${what}`, where: `at the end of ${record.file.relPath}`, language: 'hcl', text: `${record.edit.text.trim()}\n` });
  } else if (dns.edits.length) {
    // A label list: the edits are the element (and maybe a comma before it); print the element.
    const element = /"(?:[^"\\]|\\.)*"/.exec(dns.edits.map(({ edit }) => edit.text).join(''))?.[0] ?? '';
    snippets.push({ title: `DNS for ${host}${suffix}: ${what}`, where: `${dns.edits[0]!.file.relPath}, in that list`, language: 'hcl', text: `${element},\n` });
  }
  const covered = dns.status && !dns.edits.length ? dns.notes.filter((n) => n.startsWith('DNS: ')) : [];
  // A record already holding the name (or init's stale one): said here too; in a refusal no rule was written.
  covered.push(...dns.notes.filter((n) => n.startsWith('DNS NOT ')).map((n) => n.replace('The tunnel rule was written; ', '')));
  return { snippets: [...snippets, ...dns.snippets.map((s) => ({ ...s, title: `${s.title}${suffix}` }))], notes: covered };
}

/**
 * A refused Terraform plan for one config gets its DNS the repo's way, when the refusal has none
 * (the services-list line or a collection item already is one). Before the module call snippet, last.
 */
export async function addRefusalDns(model: RepoModel, shape: Shape, plan: RepoPatchPlan, input: RepoPatchInput): Promise<void> {
  // Generated rules (plan-data.ts) reason about DNS per collection item themselves: an item for the
  // host already gives its record there, so a record here would be a duplicate.
  const config = shape.kind === 'hcl-literal' || shape.kind === 'hcl-unreadable' ? shape.config : undefined;
  if (!config || config.file.syntaxErrors || plan.snippets.some((s) => /^DNS\b/.test(s.title))) return;
  const dns = await dnsRefusalSnippets(model, config, input.hostname);
  const at = Math.max(0, plan.snippets.length - 1);
  plan.snippets.splice(at, 0, ...dns.snippets);
  plan.notes.push(...dns.notes);
}
