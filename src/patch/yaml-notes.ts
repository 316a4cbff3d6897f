// What the user still has to do after a YAML edit, in the repo's own terms: route DNS to the
// tunnel, and get cloudflared to read the new config (it does not reload a changed ConfigMap).
import { basename, isAbsolute, relative } from 'node:path';
import type { RepoModel } from './model.js';
import { runsOutsideCluster } from './repo-hints.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';
import type { YamlConfig } from './yaml-scan.js';

export function yamlFollowUps(model: RepoModel, cand: YamlConfig, input: RepoPatchInput, plan: RepoPatchPlan): void {
  // A template's `tunnel: ${tunnel_id}` is no name a shell can use (review 2 finding 13).
  const placeholder = cand.tunnel !== null && /\$\{|\{\{/.test(cand.tunnel);
  const tunnel = cand.tunnel && !placeholder ? cand.tunnel : '<tunnel>';
  if (placeholder) {
    plan.notes.push(`${basename(cand.path)} names the tunnel with the template placeholder ${cand.tunnel}: where a command needs the tunnel, use its name or ID instead (\`cloudflared tunnel list\` shows both; it is the value the template is filled with).`);
  }
  plan.snippets.push({
    title: 'DNS: route the hostname to the tunnel',
    where: 'a shell logged in with `cloudflared tunnel login`',
    language: 'shell',
    text: `cloudflared tunnel route dns ${tunnel} ${input.hostname}\n`,
  });
  if (cand.kind === 'chart-values' && cand.release === 'flux') {
    // The chart's Deployment carries a checksum/configmap annotation (cloudflare/helm-charts
    // templates/deployment.yaml), so the upgrade rolls the pods: no restart to print.
    plan.notes.push(`${cand.where} is the cloudflare-tunnel chart's values in a Flux HelmRelease: Flux upgrades the release once the change is pushed, and the chart rolls cloudflared when its config changes.`);
    return;
  }
  if (cand.kind === 'chart-values') {
    plan.notes.push('The cloudflare-tunnel chart renders these values into its ConfigMap: run your `helm upgrade` for the release to apply the rule.');
    return;
  }
  if (cand.kind === 'helm-values') {
    plan.notes.push(`${cand.where} is Helm values: the rule takes effect when the release is upgraded (Flux does that once the change is pushed).`);
    return;
  }
  const workload = model.cloudflared.length === 1 ? model.cloudflared[0]! : undefined;
  // On a host, `cloudflared service install` sets up the systemd unit `cloudflared` (its docs:
  // `sudo systemctl start cloudflared`); a container is restarted by docker instead.
  if (!workload && runsOutsideCluster({ kind: 'yaml-list', config: cand }).length) {
    plan.notes.push('cloudflared reads its config only at start: restart it on its host after applying (`sudo systemctl restart cloudflared` for the service `cloudflared service install` sets up, or `docker restart <container>`).');
    return;
  }
  if (!workload) {
    plan.notes.push('cloudflared reads its config only at start: restart it after applying (kubectl rollout restart of its Deployment).');
    return;
  }
  const ns = workload.namespace ?? cand.namespace;
  const labels = Object.entries(workload.labels).map(([k, v]) => `${k}: ${v}`).join(', ');
  plan.notes.push(
    `cloudflared runs as ${workload.kind} ${workload.name}${ns ? ` in namespace ${ns}` : ''}${labels ? ` (pods labelled ${labels})` : ''}; ` +
      'it reads its config only at start, so restart it after applying (command below).',
  );
  plan.snippets.push({
    title: 'Restart cloudflared so it reads the new rule',
    where: 'after the changed config is applied to the cluster',
    language: 'shell',
    text: `kubectl${ns ? ` -n ${ns}` : ''} rollout restart ${workload.kind.toLowerCase()}/${workload.name}\n`,
  });
}

/**
 * Several cloudflared configs (kustomize overlays, one per environment): which tunnel the gateway
 * belongs to is the user's call. Each file holding exactly one of them can be named with
 * --cloudflared-configmap (src/cli/commands/init.ts), which patches only that file; the path is
 * written so that it works from where init runs (it is resolved against the working directory).
 */
export function ambiguousYamlReason(model: RepoModel, found: YamlConfig[]): string {
  const shown = (path: string): string => relative(model.repoDir, path) || path;
  const list = found.map((f) => `${shown(f.path)}: ${f.where}`).join(', ');
  const reason = `ambiguous: ${found.length} cloudflared configs (${list})`;
  const perFile = new Map<string, number>();
  for (const f of found) perFile.set(f.path, (perFile.get(f.path) ?? 0) + 1);
  const single = [...new Set(found.map((f) => f.path))].filter((p) => perFile.get(p) === 1);
  // Naming the file again cannot pick one of several configs inside it.
  if (model.isFile || !single.length) return `${reason}; keep one cloudflared config per file, or add the rule by hand`;
  const typed = (path: string): string => {
    const rel = relative(process.cwd(), path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  };
  const flags = single.map((p) => `--cloudflared-configmap ${typed(p)}`).join(' or ');
  return `${reason}; run init again with the one this gateway's tunnel uses: ${flags}`;
}
