// The Terragrunt refusal: the model found a unit whose module holds the tunnel config
// (terragrunt-find.ts); init never writes into a module the units share, so it prints what to add.
import { relative } from 'node:path';
import type { RepoModel } from './model.js';
import { emptyPlan, literalRule, refusedModuleCall } from './refuse.js';
import { blockAddress } from './repo-scan.js';
import { ingressSnippets } from './snippets.js';
import { terragruntInputSnippet, terragruntReason, terragruntUnitSnippet } from './terragrunt.js';
import type { TerragruntHit } from './terragrunt-find.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

export function planTerragrunt(model: RepoModel, { config: found, moduleDir, users }: TerragruntHit, input: RepoPatchInput): RepoPatchPlan {
  const path = relative(model.repoDir, found.file.path);
  const config = { ...found, address: `${blockAddress(found.block)} in ${path}` };
  const reason = terragruntReason(model.repoDir, users, config, moduleDir);
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const item = terragruntInputSnippet(model.repoDir, users, config, label, input.serviceUrl, input.hostname);
  return {
    ...emptyPlan(model.repoDir, 'terraform', input),
    refused: reason,
    moduleCall: refusedModuleCall(input, reason),
    snippets: [...(item ? [item] : ingressSnippets(literalRule(input), config.version, path)), terragruntUnitSnippet(model.repoDir, users[0]!, input.moduleCallHcl)],
  };
}
