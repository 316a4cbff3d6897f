// Part of reading the repo (model.ts): a Terragrunt unit whose module (or a module it calls) holds the
// tunnel config. Found before classifying, so neither a module the units share nor an empty unit
// directory is mistaken for a Terraform root; terragrunt-plan.ts turns it into a refusal.
import { existsSync } from 'node:fs';
import { buildModel, type RepoModel, type TfTunnelConfig } from './model.js';
import { usesModule } from './repo-scan.js';
import { terragruntUnits, type TerragruntUnit } from './terragrunt.js';

export interface TerragruntHit {
  /** The tunnel config, read from the repo or from a unit's module directory. */
  config: TfTunnelConfig;
  /** The module directory the units source. */
  moduleDir: string;
  /** The units that source it. */
  users: TerragruntUnit[];
  /** Models read for unit modules outside the target: disposed with the repo's model. */
  models: RepoModel[];
}

export async function findTerragrunt(model: RepoModel): Promise<TerragruntHit | null> {
  if (model.isFile || !model.scan) return null;
  const units = await terragruntUnits(model.repoDir);
  if (!units.length) return null;
  const sourced = new Set(units.map((u) => u.moduleDir));
  const models: RepoModel[] = [];
  // Each config with the scan that read it, to follow module calls below a unit's module.
  let configs: { config: TfTunnelConfig; scan: NonNullable<RepoModel['scan']> }[] = model.tunnelConfigs.map((config) => ({ config, scan: model.scan! }));
  // Run on a unit directory: its module lives elsewhere (`source = "../../modules//tunnel"`).
  if (!configs.length) {
    for (const dir of [...sourced].filter((d) => existsSync(d))) {
      const m = await buildModel(dir, 'terraform', undefined, 'module');
      models.push(m);
      configs = [...configs, ...m.tunnelConfigs.map((config) => ({ config, scan: m.scan! }))];
    }
  }
  // The unit's module itself, or a module it calls (modules/tunnel calling ./cloudflare).
  const unitFor = (c: { config: TfTunnelConfig; scan: NonNullable<RepoModel['scan']> }): string | undefined =>
    [...sourced].find((d) => usesModule(c.scan, d, c.config.file.dir));
  const hit = configs.find((c) => unitFor(c) !== undefined);
  if (!hit) {
    // Nothing to refuse: these models are not needed any more.
    for (const m of models) for (const file of m.scan?.files ?? []) file.tree.delete();
    return null;
  }
  const moduleDir = unitFor(hit)!;
  return { config: hit.config, moduleDir, users: units.filter((u) => u.moduleDir === moduleDir), models };
}
