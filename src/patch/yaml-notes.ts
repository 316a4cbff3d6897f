// What the user still has to do after a YAML edit, in the repo's own terms: route DNS to the
// tunnel, and get cloudflared to read the new config (it does not reload a changed ConfigMap).
import { basename } from 'node:path';
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
