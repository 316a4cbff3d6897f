// The root module's kubernetes provider as the module call must name it (review 4 finding 11): a
// module only inherits the *default* provider, so when the root configures kubernetes only under an
// alias the gateway module would get an unconfigured one (localhost). One alias and no default: the
// call passes it (`providers = { kubernetes = kubernetes.<alias> }`); several: a note naming them.
// Also: hostnames built from terraform.workspace mean the rule and the gateway exist per workspace.
import { join, relative } from 'node:path';
import { attributeValue, blockBody, blockLabels, findAttribute, staticString } from './hcl-nodes.js';
import type { RepoModel } from './model.js';
import { MODULE_FILE } from './refuse.js';
import { topBlocks } from './repo-scan.js';
import type { RepoPatchPlan } from './types.js';

/** The aliases of the root's kubernetes provider blocks, and whether one has none (the default). */
function kubernetesProviders(model: RepoModel, dir: string): { aliases: string[]; hasDefault: boolean } {
  const aliases: string[] = [];
  let hasDefault = false;
  for (const f of (model.scan?.files ?? []).filter((x) => x.dir === dir)) {
    for (const b of topBlocks(f, 'provider').filter((p) => blockLabels(p)[0] === 'kubernetes')) {
      const alias = findAttribute(blockBody(b), 'alias');
      const name = alias ? staticString(attributeValue(alias)) : null;
      if (name) aliases.push(name);
      else if (!alias) hasDefault = true;
    }
  }
  return { aliases, hasDefault };
}

/** The call with `providers` after its `source` line (a group of its own: terraform fmt aligns nothing across it). */
const withProviders = (call: string, alias: string): string =>
  call.replace(/^( +source += .*\n)/m, `$1\n  providers = {\n    kubernetes = kubernetes.${alias}\n  }\n`);

export function addProviderAlias(model: RepoModel, plan: RepoPatchPlan): void {
  const root = plan.rootModuleDir;
  if (plan.mode !== 'terraform' || !root || !model.scan) return;
  const { aliases, hasDefault } = kubernetesProviders(model, root);
  const rel = relative(model.scan.repoDir, root) || '.';
  if (!hasDefault && aliases.length === 1) {
    const alias = aliases[0]!;
    plan.moduleCall = withProviders(plan.moduleCall, alias);
    const path = join(root, MODULE_FILE);
    const i = plan.edits.findIndex((e) => e.path === path);
    if (i >= 0) plan.edits[i]!.after = withProviders(plan.edits[i]!.after, alias);
    // A re-run: the file already passes the alias, so there is nothing to write.
    if (i >= 0 && plan.edits[i]!.after === plan.edits[i]!.before) plan.edits.splice(i, 1);
    plan.notes.push(`The root module ${rel} configures kubernetes only as kubernetes.${alias}: ${MODULE_FILE} passes it to the gateway module (\`providers = { kubernetes = kubernetes.${alias} }\`).`);
  } else if (!hasDefault && aliases.length > 1) {
    plan.notes.push(
      `The root module ${rel} configures kubernetes only under aliases (${aliases.map((a) => `kubernetes.${a}`).join(', ')}) and no default: ` +
        `add \`providers = { kubernetes = kubernetes.<one of them> }\` to module "docker_mcp_gateway" in ${MODULE_FILE} for the cluster the gateway runs in.`,
    );
  }
  if ((model.scan.files ?? []).some((f) => f.dir === root && f.text.includes('terraform.workspace'))) {
    plan.notes.push(
      `The root module ${rel} builds names from terraform.workspace: the docker-mcp rule, its DNS record and the gateway module ` +
        'apply in every workspace (one gateway per workspace, each hostname from that workspace); apply it only in the workspaces that should have one.',
    );
  }
}
