// Reads the tunnel ingress (Terraform repo or cloudflared YAML) for doctor: catch-all last, and
// Access on the docker-mcp rule itself (a config-level access is ignored by cloudflared).
import { statSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { blockLabels } from '../patch/hcl-nodes.js';
import { TUNNEL_CONFIG_TYPES, child, hostnameLabel, isCatchAll, readIngress } from '../patch/ingress-hcl.js';
import { findYamlConfigs } from '../patch/yaml-scan.js';
import { scanRepo, topBlocks } from '../patch/repo-scan.js';

export interface IngressFacts {
  source: string;
  catchAllLast: boolean;
  ruleCount: number;
  /** null when no rule for the hostname label was found. */
  ruleHasAccess: boolean | null;
  topLevelAccess: boolean;
}

export async function ingressFacts(path: string, label: string): Promise<IngressFacts | string> {
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
        const rule = list.rules.find((r) => !isCatchAll(r) && hostnameLabel(r.hostname) === label);
        const origin = rule ? child(rule, 'origin_request') : undefined;
        return {
          source: found[0]!.f.relPath,
          catchAllLast: Boolean(last && isCatchAll(last)) && list.rules.filter(isCatchAll).length === 1,
          ruleCount: list.rules.length,
          ruleHasAccess: rule ? typeof origin === 'object' && child(origin.container, 'access') !== undefined : null,
          topLevelAccess: list.topLevelAccess,
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
  const catchAll = (r: { hostname?: string; path?: string }): boolean => !r.hostname && !r.path;
  const rule = rules.find((r) => r.hostname?.split('.')[0] === label);
  return {
    source: found.path,
    // Chart values have no catch-all: the chart appends `http_status:404` after the list.
    catchAllLast: found.catchAllRequired ? rules.length > 0 && catchAll(rules.at(-1)!) && rules.filter(catchAll).length === 1 : !rules.some(catchAll),
    ruleCount: rules.length,
    ruleHasAccess: rule ? Boolean(rule.originRequest?.access) : null,
    topLevelAccess: Boolean(config.originRequest?.access),
  };
}
