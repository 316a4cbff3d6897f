// The Terragrunt refusal (terragrunt.ts): found before any planner runs, so neither a module the
// units share nor an empty unit directory is mistaken for a Terraform root.
import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { buildModel, disposeModel, type RepoModel, type TfTunnelConfig } from './model.js';
import { emptyPlan, literalRule, refusedModuleCall } from './refuse.js';
import { blockAddress, usesModule } from './repo-scan.js';
import { ingressSnippets } from './snippets.js';
import { terragruntInputSnippet, terragruntReason, terragruntUnits, terragruntUnitSnippet } from './terragrunt.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

export async function terragruntRefusal(model: RepoModel, input: RepoPatchInput): Promise<RepoPatchPlan | null> {
  if (model.isFile || !model.scan) return null;
  const units = await terragruntUnits(model.repoDir);
  if (!units.length) return null;
  const sourced = new Set(units.map((u) => u.moduleDir));
  const extra: RepoModel[] = [];
  try {
    // Each config with the scan that read it, to follow module calls below a unit's module.
    let configs: { config: TfTunnelConfig; scan: NonNullable<RepoModel['scan']> }[] = model.tunnelConfigs.map((config) => ({ config, scan: model.scan! }));
    // Run on a unit directory: its module lives elsewhere (`source = "../../modules//tunnel"`).
    if (!configs.length) {
      for (const dir of [...sourced].filter((d) => existsSync(d))) {
        const m = await buildModel(dir, 'terraform');
        extra.push(m);
        configs = [...configs, ...m.tunnelConfigs.map((config) => ({ config, scan: m.scan! }))];
      }
    }
    // The unit's module itself, or a module it calls (modules/tunnel calling ./cloudflare).
    const unitFor = (c: { config: TfTunnelConfig; scan: NonNullable<RepoModel['scan']> }): string | undefined =>
      [...sourced].find((d) => usesModule(c.scan, d, c.config.file.dir));
    const hit = configs.find((c) => unitFor(c) !== undefined);
    if (!hit) return null;
    const found = hit.config;
    const moduleDir = unitFor(hit)!;
    const path = relative(model.repoDir, found.file.path);
    const config = { ...found, address: `${blockAddress(found.block)} in ${path}` };
    const users = units.filter((u) => u.moduleDir === moduleDir);
    const reason = terragruntReason(model.repoDir, users, config, moduleDir);
    const label = input.hostname.split('.')[0] ?? input.serviceName;
    const item = terragruntInputSnippet(model.repoDir, users, config, label, input.serviceUrl, input.hostname);
    return {
      ...emptyPlan(model.repoDir, 'terraform', input),
      refused: reason,
      moduleCall: refusedModuleCall(input, reason),
      snippets: [...(item ? [item] : ingressSnippets(literalRule(input), config.version, path)), terragruntUnitSnippet(model.repoDir, users[0]!, input.moduleCallHcl)],
    };
  } finally {
    extra.forEach(disposeModel);
  }
}
