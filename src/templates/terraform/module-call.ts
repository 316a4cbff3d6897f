// The root-module call for an existing repo (`init --terraform-dir`): the seed's usage block
// (`source = "./modules/docker-mcp-gateway"`, project_name/environment/namespace) plus every answer
// that differs from its default, as literals, so the file stands alone without new root variables.
import type { InstallConfig } from '../../config/schema.js';
import type { VariableSpec } from '../../config/variables.js';
import { alignHcl, hclValue } from './hcl.js';

/** Where the module goes inside the repo, relative to the root module (the seed's layout). */
export const REPO_MODULE_DIR = 'modules/docker-mcp-gateway';
export const MODULE_NAME = 'docker_mcp_gateway';

/** The seed's basic example always names these, even at their defaults. */
const ALWAYS = ['project_name', 'environment', 'namespace'];

export function moduleCallHcl(c: InstallConfig, table: readonly VariableSpec[], version: string): string {
  const lines = table
    // Root-only answers (kube_context, kubeconfig_path) belong to a provider block; the repo has its own.
    .filter((s) => s.scope !== 'root')
    .filter((s) => ALWAYS.includes(s.name) || JSON.stringify(c[s.name as keyof InstallConfig]) !== JSON.stringify(s.default))
    .map((s) => `  ${s.name} = ${hclValue(c[s.name as keyof InstallConfig], '  ')}`);
  const text = [
    `# Rendered by docker-mcp ${version} (\`docker-mcp init --terraform-dir\`). Re-run init with the same`,
    '# answers to change it; the tunnel rule and DNS entry it needs were added to the tunnel config.',
    `module "${MODULE_NAME}" {`,
    `  source = "./${REPO_MODULE_DIR}"`,
    '',
    ...lines,
    '}',
    '',
  ].join('\n');
  return alignHcl(text);
}
