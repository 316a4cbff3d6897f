// Reads the tunnel ingress (Terraform repo or cloudflared YAML) for doctor: catch-all last, and
// Access on the docker-mcp rule itself (a config-level access is ignored by cloudflared).
import { statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { blockLabels } from '../patch/hcl-nodes.js';
import { TUNNEL_CONFIG_TYPES, child, hostnameLabel, isCatchAll, readIngress } from '../patch/ingress-hcl.js';
import { findYamlConfigs } from '../patch/yaml-scan.js';
import { scanRepo, topBlocks, type RepoScan } from '../patch/repo-scan.js';
import { resolveString } from '../patch/tf-values.js';
import type { Rule } from '../patch/ingress-hcl.js';
import { isCatchAllHost } from '../patch/cloudflared-match.js';
import { hclShadow, yamlShadow, type Shadowed } from './ingress-reach.js';

export interface IngressFacts {
  source: string;
  catchAllLast: boolean;
  ruleCount: number;
  /** null when no rule for the hostname label was found. */
  ruleHasAccess: boolean | null;
  topLevelAccess: boolean;
  /** An earlier rule that takes (or may take) docker-mcp's requests; null when none or no rule found, undefined when its hostname is unproven. */
  shadowedBy: Shadowed | null | undefined;
}

/**
 * `host` is the full hostname (`--hostname`), or only its first label when doctor does not know the
 * domain. A rule counts as docker-mcp's when init marked it, or when it routes exactly that host with no
 * `path`: a `docker-mcp.lab.example.net` rule of another zone, or a path-restricted one, is somebody
 * else's route (the patcher's rule too: src/patch/own-rule.ts).
 */
const isHost = (host: string, hostname: string | null | undefined): boolean =>
  Boolean(hostname) && (host.includes('.') ? hostname === host : hostname!.split('.')[0] === host);

async function ownHclRule(scan: RepoScan, dir: string, rules: Rule[], host: string): Promise<Rule | undefined> {
  const marked = rules.find((r) => r.managed);
  if (marked) return marked;
  for (const rule of rules) {
    if (isCatchAll(rule) || rule.path) continue;
    const resolved = host.includes('.') ? await resolveString(scan, dir, rule.hostname) : null;
    if (isHost(host, resolved ?? (host.includes('.') ? null : hostnameLabel(rule.hostname)))) return rule;
  }
  return undefined;
}

export async function ingressFacts(path: string, host: string): Promise<IngressFacts | string> {
  if (statSync(path).isDirectory()) {
    const scan = await scanRepo(path);
    try {
      const found = scan.files.flatMap((f) =>
        topBlocks(f, 'resource')
          .filter((b) => TUNNEL_CONFIG_TYPES.includes(blockLabels(b)[0] ?? ''))
          .map((b) => ({ f, b })),
      );
      if (found.length === 1) {
        const list = readIngress(found[0]!.f, found[0]!.b);
        if (typeof list === 'string') return `tunnel config not recognised: ${list}`;
        const last = list.rules.at(-1);
        const rule = await ownHclRule(scan, found[0]!.f.dir, list.rules, host);
        const origin = rule ? child(rule, 'origin_request') : undefined;
        return {
          source: found[0]!.f.relPath,
          catchAllLast: Boolean(last && isCatchAll(last)) && list.rules.filter(isCatchAll).length === 1,
          ruleCount: list.rules.length,
          ruleHasAccess: rule ? typeof origin === 'object' && child(origin.container, 'access') !== undefined : null,
          topLevelAccess: list.topLevelAccess,
          shadowedBy: await hclShadow(scan, found[0]!.f, list.rules, rule),
        };
      }
      if (found.length > 1) return `${found.length} tunnel configs found; point at one`;
    } finally {
      for (const f of scan.files) f.tree.delete();
    }
  }
  const yaml = findYamlConfigs(path);
  if (yaml.length !== 1) return yaml.length ? 'several cloudflared configs found' : 'no tunnel config (Terraform or cloudflared YAML) found';
  const found = yaml[0]!;
  const config = parseDocument(found.inner.toString()).toJS() as {
    originRequest?: { access?: unknown };
  };
  type YamlRule = { hostname?: string; path?: string; originRequest?: { access?: unknown } };
  const rules = (found.inner.getIn(found.ingressPath, false) as { toJSON?: () => unknown } | undefined)?.toJSON?.() as YamlRule[] | undefined ?? [];
  // `hostname: "*"` last is a catch-all too (review 2, finding 11).
  const catchAll = (r: { hostname?: string; path?: string }): boolean => isCatchAllHost(r.hostname, r.path !== undefined);
  const rule = rules.find((r) => !r.path && isHost(host, r.hostname));
  return {
    source: found.path,
    // Chart values have no catch-all: the chart appends `http_status:404` after the list.
    catchAllLast: found.catchAllRequired ? rules.length > 0 && catchAll(rules.at(-1)!) && rules.filter(catchAll).length === 1 : !rules.some(catchAll),
    ruleCount: rules.length,
    ruleHasAccess: rule ? Boolean(rule.originRequest?.access) : null,
    topLevelAccess: Boolean(config.originRequest?.access),
    shadowedBy: rule ? yamlShadow(found, found.path, rule, rules.indexOf(rule)) : null,
  };
}
