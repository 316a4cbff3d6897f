// What the repo reveals that the user should know before applying (issue 17 behaviour 7): a root
// module without the kubernetes provider cannot take the gateway module; rules that reach LAN
// addresses suggest cloudflared runs outside the cluster, where *.svc.cluster.local won't resolve.
import { relative } from 'node:path';
import { isMap, isSeq } from 'yaml';
import type { Shape } from './classify.js';
import { blockBody, blockLabels, bodyBlocks, findAttribute, staticString } from './hcl-nodes.js';
import { isCatchAll } from './ingress-hcl.js';
import type { RepoModel } from './model.js';
import { topBlocks } from './repo-scan.js';
import { addProviderAlias } from './provider-alias.js';
import type { RepoPatchPlan } from './types.js';

/** True when a module directory configures or requires the kubernetes provider. */
function hasKubernetes(model: RepoModel, dir: string): boolean {
  return (model.scan?.files ?? []).some((f) => {
    if (f.dir !== dir) return false;
    if (topBlocks(f, 'provider').some((b) => blockLabels(b)[0] === 'kubernetes')) return true;
    return topBlocks(f, 'terraform').some((t) =>
      bodyBlocks(blockBody(t), 'required_providers').some((r) => findAttribute(blockBody(r), 'kubernetes') !== undefined),
    );
  });
}

/** RFC 1918 addresses and .lan/.home/.local names, but not the cluster's own .svc.cluster.local. */
const LAN = /^[a-z]+:\/\/(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|[^/:]+\.(lan|home|local)(?=[:/]|$))/i;
/** cloudflared's own host: localhost, 127.0.0.0/8, [::1], IPv6 ULA fc00::/7 (review 2 finding 13). */
const ON_HOST = /^[a-z]+:\/\/(localhost(?=[:/]|$)|127\.|\[::1\]|\[f[cd][0-9a-f]{0,2}:)/i;
const IN_CLUSTER = /\.svc(\.cluster\.local)?(?=[:/]|$)/i;
const outside = (u: string): boolean => LAN.test(u) || ON_HOST.test(u);

/** The origins cloudflared reaches are its host's or the LAN's, none a cluster Service. */
export function runsOutsideCluster(shape: Shape): string[] {
  const urls = serviceUrls(shape);
  return urls.some(outside) && !urls.some((u) => IN_CLUSTER.test(u)) ? urls.filter(outside) : [];
}

function serviceUrls(shape: Shape): string[] {
  if (shape.kind === 'hcl-literal') {
    return shape.list.rules.filter((r) => !isCatchAll(r)).map((r) => staticString(r.service) ?? '').filter(Boolean);
  }
  if (shape.kind === 'yaml-list') {
    const list = shape.config.inner.getIn(shape.config.ingressPath, true);
    return isSeq(list) ? list.items.filter(isMap).map((r) => { const s = r.get('service'); return typeof s === 'string' ? s : ''; }) : [];
  }
  return [];
}

/** `serviceUrl`: the URL the docker-mcp rule was given (the in-cluster Service). */
export function addRepoHints(model: RepoModel, shape: Shape, plan: RepoPatchPlan, serviceUrl = ''): void {
  const reached = runsOutsideCluster(shape);
  if (reached.length) {
    const ours = IN_CLUSTER.test(serviceUrl) ? ` the docker-mcp rule's service ${serviceUrl}` : ' *.svc.cluster.local';
    plan.notes.push(
      `The existing rules reach addresses on cloudflared's own host or LAN (${reached.join(', ')}) and none a cluster Service: cloudflared probably runs outside the cluster (a systemd service or a container on a host), where${ours} does not resolve. ` +
        'Expose the gateway where that host can reach it (a NodePort or LoadBalancer Service, or an Ingress) and point the rule\'s service there; init itself writes only the in-cluster URL.',
    );
  }
  addProviderAlias(model, plan);
  if (plan.mode !== 'terraform' || !plan.rootModuleDir || !model.scan || hasKubernetes(model, plan.rootModuleDir)) return;
  const rel = (d: string): string => relative(model.scan!.repoDir, d) || '.';
  const called = new Set([...model.scan.calls.values()].flat());
  const others = model.scan.dirs.filter((d) => !called.has(d) && d !== plan.rootModuleDir && hasKubernetes(model, d));
  plan.notes.push(
    `The root module ${rel(plan.rootModuleDir)} has no kubernetes provider, which the gateway module needs` +
      (others.length ? `; the root ${others.map(rel).join(' or ')} has one: move ${rel(plan.rootModuleDir)}/docker-mcp.tf there (with its module), or` : ';') +
      ' use `docker-mcp init --output-dir` for plain Kubernetes manifests instead.',
  );
}
