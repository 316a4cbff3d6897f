// DNS for a rule list written as a module argument (`module "tunnel" { ingress_rules = [ … ] }`,
// fixture review1-f7-module-arg): the records of that tunnel live in the CALLER and point at it
// through the module's output (`"${module.tunnel.tunnel_id}.cfargotunnel.com"`). planDns runs there,
// with the caller's file and that output as the tunnel, so it clones the caller's per-host record (or
// prints a snippet whose references exist in the caller) — before this, the snippet was placed in the
// child module and used the root's `var.zone_id` and the child's tunnel resource.
import { attributeValue, blockBody, blockLabels, findAttribute } from './hcl-nodes.js';
import type { RepoModel, TfTunnelConfig } from './model.js';
import { moduleCallsOf, topBlocks, type TfFile } from './repo-scan.js';
import { tunnelRef } from './dns-plan.js';

export interface CallerTunnel {
  /** The config seen from the caller: its file, the module block, `module "tunnel" in main.tf`. */
  config: TfTunnelConfig;
  /** `module.tunnel.tunnel_id`: an output of the child that is exactly the tunnel's id. */
  ref: string;
  /** Literal hostnames written in the call (they prove the caller's records' zones). */
  hosts: string[];
}

/** The caller's view of `config` when the rule list is in `file`, a module calling config's; else null. */
export function callerTunnel(model: RepoModel, config: TfTunnelConfig, file: TfFile): CallerTunnel | null {
  const scan = model.scan;
  const own = tunnelRef(config);
  if (!scan || !own || file.dir === config.file.dir) return null;
  const calls = moduleCallsOf(scan, config.file.dir).filter((c) => c.file.path === file.path);
  if (calls.length !== 1) return null;
  const block = calls[0]!.block;
  // Only an output that IS the id: the snippet then writes `"${module.x.out}.cfargotunnel.com"`.
  const output = scan.files
    .filter((f) => f.dir === config.file.dir)
    .flatMap((f) => topBlocks(f, 'output'))
    .find((o) => {
      const value = findAttribute(blockBody(o), 'value');
      return value && attributeValue(value)?.text.trim() === `${own}.id`;
    });
  if (!output) return null;
  const name = blockLabels(block)[0]!;
  const hosts = [...block.text.matchAll(/hostname\s*=\s*"([A-Za-z0-9.*-]+)"/g)].map((m) => m[1]!.toLowerCase());
  return {
    config: { ...config, file, block, address: `module "${name}" in ${file.relPath}` },
    ref: `module.${name}.${blockLabels(output)[0]!}`,
    hosts,
  };
}
