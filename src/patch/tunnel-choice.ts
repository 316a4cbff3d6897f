// Several tunnel configs in the repo (review 1, finding 10 part 4): which tunnel serves docker-mcp is
// the user's choice, and no flag names a tunnel config. So the refusal names each config (file:line),
// gives the rule in that config's own shape and provider version and its DNS the repo's way, and says
// how to choose: add the rule to one config by hand and run init again. On that run the config that
// holds the docker-mcp rule is the chosen one, and the patch proceeds as for a single config.
import { dnsRefusalSnippets } from './dns-refusal.js';
import { hostnameExpr, ruleViews } from './hcl-hostnames.js';
import { isCatchAll } from './ingress-hcl.js';
import { firstShadowing } from './match.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { findOwnRule } from './own-rule.js';
import { emptyPlan, literalRule, refuseTerraform } from './refuse.js';
import { ingressSnippets } from './snippets.js';
import type { RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';

const lineOf = (c: TfTunnelConfig): number => c.block.startPosition.row + 1;
export const configPlace = (c: TfTunnelConfig): string => `${c.address.split(' in ')[0]} (${c.file.relPath}:${lineOf(c)})`;

/** Whether a config routes hosts of `domain`: some proven hostname is in it; 'no' only when every hostname is proven and none is. */
async function routesDomain(model: RepoModel, config: TfTunnelConfig, domain: string): Promise<{ host: string; line: number } | 'no' | 'unknown'> {
  if (config.source.kind !== 'literal' || !model.scan) return 'unknown';
  const rules = config.source.list.rules.filter((r) => !isCatchAll(r));
  let unproven = false;
  for (const view of await ruleViews(model.scan, config.file.dir, rules)) {
    if (view.hostless) continue;
    const host = view.hostname?.toLowerCase().replace(/^\*\./, '');
    if (!host) unproven = true;
    else if (host === domain || host.endsWith(`.${domain}`)) return { host: view.hostname!, line: view.rule.whole.startPosition.row + 1 };
  }
  return unproven ? 'unknown' : 'no';
}

/**
 * The config to patch among several, and why: the one written-out config that already holds the
 * docker-mcp rule (added by hand or by an earlier run); else the one config whose rules prove the
 * answers' domain (hosts in it) while every other config's hostnames are proven to be elsewhere
 * (review 2, finding 12: two zones, two tunnels). Null: the user chooses (refuseTunnels).
 */
export async function chosenTunnel(model: RepoModel, configs: TfTunnelConfig[], input: RepoPatchInput): Promise<{ config: TfTunnelConfig; why: string } | null> {
  const holding: TfTunnelConfig[] = [];
  for (const config of configs) {
    if (config.source.kind !== 'literal' || !model.scan) continue;
    const own = await findOwnRule(model.scan, config.source.list, input, config.address);
    // A refusal ("routes it elsewhere", two candidates) also means the user put something there.
    if (!('rule' in own) || own.rule) holding.push(config);
  }
  if (holding.length === 1) return { config: holding[0]!, why: `the docker-mcp rule is in ${configPlace(holding[0]!)}, so that tunnel is used` };
  if (holding.length) return null;
  const domain = input.hostname.slice(input.hostname.indexOf('.') + 1).toLowerCase();
  const found = await Promise.all(configs.map(async (config) => ({ config, routes: await routesDomain(model, config, domain) })));
  const proving = found.filter((f) => typeof f.routes === 'object');
  if (proving.length !== 1 || found.some((f) => f.routes === 'unknown')) return null;
  const { config, routes } = proving[0]!;
  const { host, line } = routes as { host: string; line: number };
  const others = found.filter((f) => f !== proving[0]).map((f) => configPlace(f.config)).join(', ');
  return {
    config,
    why: `only ${configPlace(config)} routes hosts in ${domain} (${host}, ${config.file.relPath}:${line}); every hostname of ${others} is in another domain, so that tunnel serves ${input.hostname}`,
  };
}

async function ruleSnippets(model: RepoModel, config: TfTunnelConfig, input: RepoPatchInput): Promise<Snippet[]> {
  const where = configPlace(config);
  if (config.source.kind !== 'literal' || !model.scan) return ingressSnippets(literalRule(input), config.version, `${where}, as one more rule of its own kind`);
  const rules = config.source.list.rules.filter((r) => !isCatchAll(r));
  const hostname = await hostnameExpr(model.scan, config.file.dir, rules, input.hostname, []);
  const shadow = firstShadowing(await ruleViews(model.scan, config.file.dir, rules), input.hostname);
  const placement = shadow ? `directly above the rule for "${shadow.shown}" (line ${shadow.rule.whole.startPosition.row + 1})` : undefined;
  return ingressSnippets({ ...literalRule(input), hostname }, config.version, where, placement);
}

export async function refuseTunnels(model: RepoModel, configs: TfTunnelConfig[], input: RepoPatchInput): Promise<RepoPatchPlan> {
  const reason =
    `ambiguous: ${configs.length} tunnel configurations (${configs.map(configPlace).join(', ')}); which tunnel serves ${input.hostname} is your choice, ` +
    'and no flag picks one: add the docker-mcp rule below to the one you choose (and its DNS record, as shown for that tunnel), then run init again — ' +
    'it finds the rule there and writes the module and docker-mcp.tf';
  const snippets: Snippet[] = [];
  const notes: string[] = [];
  for (const config of configs) {
    const rules = await ruleSnippets(model, config, input);
    const dns = await dnsRefusalSnippets(model, config, input.hostname, `for ${configPlace(config)}`);
    // A refusal's report shows snippets, not notes: a record that already covers the host is said there.
    const covered = dns.notes.map((n) => n.replace(/^DNS: /, '').replace(/\.$/, '')).join('; ');
    snippets.push(...rules.map((r) => (covered ? { ...r, title: `${r.title} (DNS: ${covered})` } : r)), ...dns.snippets);
    notes.push(...dns.notes);
  }
  const dirs = new Set(configs.map((c) => c.file.dir));
  const plan = refuseTerraform(emptyPlan(model.repoDir, 'terraform', input), input, {
    reason,
    version: configs[0]!.version,
    where: configs[0]!.file.relPath,
    scan: model.scan,
    tunnelDir: dirs.size === 1 ? configs[0]!.file.dir : null,
    ruleSnippets: snippets,
  });
  plan.notes.push(...notes);
  return plan;
}
