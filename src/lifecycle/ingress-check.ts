// Reads the tunnel ingress (Terraform repo or cloudflared YAML) for doctor: catch-all last, and
// Access on the docker-mcp rule itself (a config-level access is ignored by cloudflared).
import { statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { relative } from 'node:path';
import { classify, configShape, type Shape } from '../patch/classify.js';
import { child, hostnameLabel, isCatchAll } from '../patch/ingress-hcl.js';
import { buildModel, disposeModel, type RepoModel } from '../patch/model.js';
import type { RepoPatchInput } from '../patch/types.js';
import { findYamlConfigs, type YamlConfig } from '../patch/yaml-scan.js';
import type { RepoScan } from '../patch/repo-scan.js';
import { collectionFacts } from './ingress-collection.js';
import { resolveString } from '../patch/tf-values.js';
import type { Rule } from '../patch/ingress-hcl.js';
import { isCatchAllHost } from '../patch/cloudflared-match.js';
import { hclShadow, yamlShadow, type Shadowed } from './ingress-reach.js';

export interface IngressFacts {
  source: string;
  /** null: the catch-all is generated with the rules (an item of the collection), so it is not judged. */
  catchAllLast: boolean | null;
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

/** What doctor reports for a config init's classifier named (classify.ts): the same shapes init patches. */
async function shapeFacts(model: RepoModel, shape: Shape, host: string): Promise<IngressFacts | string> {
  switch (shape.kind) {
    case 'hcl-literal': {
      const { config, list } = shape;
      const scan = model.scan!;
      const last = list.rules.at(-1);
      const rule = await ownHclRule(scan, config.file.dir, list.rules, host);
      const origin = rule ? child(rule, 'origin_request') : undefined;
      return {
        source: config.file.relPath,
        catchAllLast: Boolean(last && isCatchAll(last)) && list.rules.filter(isCatchAll).length === 1,
        ruleCount: list.rules.length,
        ruleHasAccess: rule ? typeof origin === 'object' && child(origin.container, 'access') !== undefined : null,
        topLevelAccess: list.topLevelAccess,
        shadowedBy: await hclShadow(scan, config.file, list.rules, rule),
      };
    }
    case 'hcl-generated':
      return collectionFacts(model, shape.config, host);
    case 'hcl-unreadable':
      return `tunnel config not recognised: ${shape.config.address}: ${shape.reason}`;
    case 'yaml-list':
      return yamlFacts(shape.config, relative(model.repoDir, shape.config.path) || shape.config.path, host);
    case 'ambiguous':
      return shape.mode === 'terraform' ? `${shape.configs?.length ?? 'several'} tunnel configs found; point at one` : 'several cloudflared configs found';
    case 'none':
      return 'no tunnel config (Terraform or cloudflared YAML) found';
    case 'terragrunt': {
      // init refuses to patch a module Terragrunt units share, but the rule the user added there is judged.
      const { config, models } = shape.hit;
      const owner = models.find((m) => m.tunnelConfigs.includes(config)) ?? model;
      return shapeFacts(owner, configShape(config), host);
    }
  }
}

/**
 * A directory is read the way init reads it (model.ts: Terraform tunnel configs, YAML under it, and a
 * cloudflared config elsewhere in the git repo); a file is one cloudflared config.
 */
export async function ingressFacts(path: string, host: string): Promise<IngressFacts | string> {
  if (statSync(path).isDirectory()) {
    const model = await buildModel(path, 'auto');
    try {
      return await shapeFacts(model, classify(model, { mode: 'auto' } as RepoPatchInput, path), host);
    } finally {
      disposeModel(model);
    }
  }
  const yaml = findYamlConfigs(path);
  if (yaml.length !== 1) return yaml.length ? 'several cloudflared configs found' : 'no tunnel config (Terraform or cloudflared YAML) found';
  return yamlFacts(yaml[0]!, yaml[0]!.path, host);
}

function yamlFacts(found: YamlConfig, source: string, host: string): IngressFacts {
  const config = parseDocument(found.inner.toString()).toJS() as {
    originRequest?: { access?: unknown };
  };
  type YamlRule = { hostname?: string; path?: string; originRequest?: { access?: unknown } };
  const rules = (found.inner.getIn(found.ingressPath, false) as { toJSON?: () => unknown } | undefined)?.toJSON?.() as YamlRule[] | undefined ?? [];
  // `hostname: "*"` last is a catch-all too (review 2, finding 11).
  const catchAll = (r: { hostname?: string; path?: string }): boolean => isCatchAllHost(r.hostname, r.path !== undefined);
  const rule = rules.find((r) => !r.path && isHost(host, r.hostname));
  return {
    source,
    // Chart values have no catch-all: the chart appends `http_status:404` after the list.
    catchAllLast: found.catchAllRequired ? rules.length > 0 && catchAll(rules.at(-1)!) && rules.filter(catchAll).length === 1 : !rules.some(catchAll),
    ruleCount: rules.length,
    ruleHasAccess: rule ? Boolean(rule.originRequest?.access) : null,
    topLevelAccess: Boolean(config.originRequest?.access),
    shadowedBy: rule ? yamlShadow(found, source, rule, rules.indexOf(rule)) : null,
  };
}
