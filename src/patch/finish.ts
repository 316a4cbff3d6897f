// Step 4: what every plan gets after its planner, whatever the shape — DNS advice for a refusal, the
// Terraform record for a YAML rule, what the repo reveals (hints, kustomize notes, where cloudflared
// runs), and edits kept byte-faithful (line endings) and `terraform fmt`-clean.
import { relative } from 'node:path';
import type { Shape } from './classify.js';
import { addRefusalDns } from './dns-refusal.js';
import { keepFormatted } from './fmt.js';
import { matchLineEndings } from './line-endings.js';
import type { RepoModel } from './model.js';
import type { Planned } from './planners.js';
import { addRepoHints } from './repo-hints.js';
import { reportBase, terraformDnsForYaml } from './sibling-config.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

/** Refusals whose report gets the DNS record the repo's way (several configs and Terragrunt print their own). */
const refusalGetsDns = (shape: Shape): boolean => !(shape.kind === 'ambiguous' && shape.configs) && shape.kind !== 'terragrunt';

export async function finishPlan(model: RepoModel, classified: Shape, { plan, shape }: Planned, input: RepoPatchInput): Promise<RepoPatchPlan> {
  if (plan.refused && plan.mode === 'terraform' && refusalGetsDns(classified)) await addRefusalDns(model, shape, plan, input);
  if (shape.kind === 'yaml-list' && model.scan) await terraformDnsForYaml(model, shape.config, input, plan);
  if (!plan.refused) addRepoHints(model, shape, plan, input.serviceUrl);
  const { notes } = model.kustomize;
  if (!plan.refused) plan.notes.push(...notes);
  // A refusal prints no notes: which configs an overlay replaces matters most when choosing among several.
  else if (notes.length && !model.kustomize.refused) plan.refused = [plan.refused, ...notes].join('\n');
  const cloudflared = model.cloudflared.length === 1 ? model.cloudflared[0]! : undefined;
  if (cloudflared) {
    const where = `${cloudflared.kind} ${cloudflared.name} in ${relative(reportBase(model, input), cloudflared.path) || cloudflared.path}`;
    plan.cloudflared = { namespace: cloudflared.namespace, labels: cloudflared.labels, where };
    if (cloudflared.unproven) plan.notes.push(cloudflared.unproven);
  }
  for (const edit of plan.edits) edit.after = matchLineEndings(edit.before, edit.after);
  for (const edit of plan.edits.filter((e) => e.path.endsWith('.tf'))) {
    const { text, reformatted } = keepFormatted(edit.before, edit.after);
    if (reformatted) {
      edit.after = text;
      plan.notes.push(`${edit.relPath}: \`terraform fmt\` realigned whitespace next to the edit.`);
    }
  }
  return plan;
}
