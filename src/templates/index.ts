// Pure rendering: InstallConfig -> RenderPlan. No I/O here; src/cli/io writes the plan.
import { stringify } from 'yaml';
import type { InstallConfig } from '../config/schema.js';
import type { VariableSpec } from '../config/variables.js';
import { CONNECTOR_YAML, connectorYaml } from './cloudflare/connector.js';
import {
  CLOUDFLARE_ROOT_TF, CLOUDFLARE_STANDALONE_TF, INGRESS_YAML, cloudflareRootTf, cloudflareStandaloneTf, cloudflaredYaml,
} from './cloudflare/tunnel.js';
import { clientFiles, dockerEndpoints, kubernetesEndpoints } from './clients/index.js';
import { renderDockerNotes } from './docker/notes.js';
import { dockerFiles, ignoredForDocker } from './docker/render.js';
import { kubernetesFiles } from './kubernetes/render.js';
import { tunnelRendered } from './model.js';
import { renderNotes, renderWarnings } from './notes.js';
import { TERRAFORM_VERSION, moduleFiles } from './terraform/module.js';

export { gatewayEnvFor, gatewayConfigData, gatewayEnvTable } from './gateway-env.js';

export type Format = 'terraform' | 'yaml' | 'both';
/** Where the gateway runs: a Kubernetes cluster (Terraform and/or YAML) or plain Docker (compose.yaml). */
export type Target = 'kubernetes' | 'docker';

export interface RenderOptions {
  format: Format;
  /** Default kubernetes; `format` and `singleFile` apply only to it. */
  target?: Target;
  singleFile: boolean;
  version: string;
}

export interface RenderedFile {
  path: string;
  contents: string;
}

export interface RenderPlan {
  files: RenderedFile[];
  warnings: string[];
}

export const ANSWERS_FILE = 'docker-mcp.yaml';

/** The answers that differ from the defaults, so a re-run reproduces this output. */
export function answersYaml(c: InstallConfig, table: readonly VariableSpec[], version: string): string {
  const changed = Object.fromEntries(
    table
      .filter((s) => JSON.stringify(c[s.name as keyof InstallConfig]) !== JSON.stringify(s.default))
      .map((s) => [s.name, c[s.name as keyof InstallConfig]]),
  );
  const body = Object.keys(changed).length ? stringify(changed, { lineWidth: 0 }) : '{}\n';
  return `# docker-mcp ${version} answers (only values that differ from the defaults).\n# \`docker-mcp init\` reads this file on re-runs.\n${body}`;
}

export function renderPlan(c: InstallConfig, table: readonly VariableSpec[], options: RenderOptions): RenderPlan {
  if (options.target === 'docker') return renderDockerPlan(c, table, options.version);
  const { format, version } = options;
  const files: RenderedFile[] = [];
  if (format !== 'yaml') files.push(...moduleFiles(c, table, version));
  if (format !== 'terraform') files.push(...kubernetesFiles(c, version, options.singleFile));
  if (tunnelRendered(c)) {
    // In the Terraform root, so the gateway's AUD can be the Access application's aud by reference.
    if (format !== 'yaml') files.push({ path: CLOUDFLARE_ROOT_TF, contents: cloudflareRootTf(c, version) });
    else files.push({ path: CLOUDFLARE_STANDALONE_TF, contents: cloudflareStandaloneTf(c, version, TERRAFORM_VERSION) });
    // A new tunnel gets its config from Terraform and a connector; an existing one gets the rule to add.
    if (c.create_tunnel) files.push({ path: CONNECTOR_YAML, contents: connectorYaml(c, version) });
    else files.push({ path: INGRESS_YAML, contents: cloudflaredYaml(c, version) });
  }
  files.push(...clientFiles(c, kubernetesEndpoints(c)));
  files.push({ path: ANSWERS_FILE, contents: answersYaml(c, table, version) });
  const paths = [...files.map((f) => f.path), 'NOTES.md'].sort();
  files.push({ path: 'NOTES.md', contents: renderNotes(c, version, paths) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings: renderWarnings(c) };
}

function renderDockerPlan(c: InstallConfig, table: readonly VariableSpec[], version: string): RenderPlan {
  const files: RenderedFile[] = [...dockerFiles(c), ...clientFiles(c, dockerEndpoints(c), 'docker')];
  files.push({ path: ANSWERS_FILE, contents: answersYaml(c, table, version) });
  const ignored = ignoredForDocker(c, table);
  const paths = [...files.map((f) => f.path), 'NOTES.md'].sort();
  files.push({ path: 'NOTES.md', contents: renderDockerNotes(c, version, paths, ignored) });
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  // The Kubernetes warnings (namespace security level) do not apply; the skipped tunnel one does.
  const tunnel = renderWarnings(c).filter((w) => w.startsWith('Cloudflare Tunnel'));
  return { files, warnings: [...tunnel, ...ignored] };
}
