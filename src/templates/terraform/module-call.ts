// The root-module call for an existing repo (`init --terraform-dir`): the seed's usage block
// (`source = "./modules/docker-mcp-gateway"`, project_name/environment/namespace) plus every answer
// that differs from its default, as literals, so the file stands alone without new root variables.
import type { InstallConfig } from '../../config/schema.js';
import { scopeOf, type VariableSpec } from '../../config/variables.js';
import { TUNNEL_STATUS_MARKER } from '../../patch/types.js';
import { alignHcl } from './hcl.js';
import { moduleHcl } from './module-values.js';

/** Where the module goes inside the repo, relative to the root module (the seed's layout). */
export const REPO_MODULE_DIR = 'modules/docker-mcp-gateway';
export const MODULE_NAME = 'docker_mcp_gateway';

/** The seed's basic example always names these, even at their defaults. */
const ALWAYS = ['project_name', 'environment', 'namespace'];

export function moduleCallHcl(c: InstallConfig, table: readonly VariableSpec[], version: string): string {
  const lines = table
    // Only module inputs: root- and installer-only variables are not arguments of the module.
    .filter((s) => scopeOf(s) === 'module')
    .filter((s) => ALWAYS.includes(s.name) || JSON.stringify(c[s.name as keyof InstallConfig]) !== JSON.stringify(s.default))
    .map((s) => `  ${s.name} = ${moduleHcl(s, c[s.name as keyof InstallConfig], '  ')}`);
  const text = [
    `# Rendered by docker-mcp ${version} (\`docker-mcp init --terraform-dir\`). Re-run init with the same`,
    '# answers to change it.',
    // Filled in by the patcher (src/patch/module-status.ts) with what the tunnel config really holds.
    `${TUNNEL_STATUS_MARKER}see the report of docker-mcp init for the ingress rule and DNS record.`,
    `module "${MODULE_NAME}" {`,
    `  source = "./${REPO_MODULE_DIR}"`,
    '',
    ...lines,
    '}',
    '',
  ].join('\n');
  return alignHcl(text);
}
