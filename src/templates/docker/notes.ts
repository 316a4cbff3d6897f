// NOTES.md for `--target docker`: what was rendered and the steps only a person can do (the secrets
// files init never writes, building the image, applying).
import type { InstallConfig } from '../../config/schema.js';
import { GATEWAY_IMAGE_NAME } from '../../config/variables.js';
import { COMMAND_NOTE } from '../clients/index.js';
import { reachabilityNote } from '../clients/readme.js';
import { names, tunnelRendered, usesAccess, usesBearer } from '../model.js';
import { CLOUDFLARED_ENV_FILE, GATEWAY_ENV_FILE, composeProject, gatewayEnvCommand } from './render.js';

export function renderDockerNotes(c: InstallConfig, version: string, files: string[], ignored: string[]): string {
  const n = names(c);
  const steps: string[] = [];
  if (c.docker_image.startsWith(`${GATEWAY_IMAGE_NAME}:`)) {
    steps.push(`Build the gateway image on the Docker host: \`docker-mcp image build\` (tags \`${c.docker_image}\`; no registry needed).`);
  }
  steps.push(`Check the socket's group on the host: \`stat -c %g ${c.docker_socket_path}\` must print ${c.docker_socket_gid} (docker_socket_gid).`);
  if (usesBearer(c)) {
    steps.push(
      `Create ${GATEWAY_ENV_FILE} with a fresh random bearer token (see ${GATEWAY_ENV_FILE}.example for the format), from this folder:\n\n` +
        `   \`${gatewayEnvCommand(c)}\`\n\n` +
        '   Clients send `Authorization: Bearer <token>` (the part after the second `:`).',
    );
  } else {
    steps.push(`Create an empty ${GATEWAY_ENV_FILE} (compose.yaml reads it): \`${gatewayEnvCommand(c)}\`.`);
  }
  if (tunnelRendered(c)) {
    steps.push(
      `Create a remotely-managed Cloudflare Tunnel, give it the public hostname ${n.externalUrl.replace('https://', '')} ` +
        `with service \`http://gateway:${c.port}\` (cloudflared reaches the gateway by its compose service name), and put ` +
        `its token into ${CLOUDFLARED_ENV_FILE} (see ${CLOUDFLARED_ENV_FILE}.example).`,
    );
  } else if (c.enable_cloudflare_tunnel) {
    steps.push('Cloudflare Tunnel: skipped because domain_suffix is empty; re-run with --domain-suffix to render it.');
  }
  if (usesAccess(c)) steps.push('Create an Access application for the hostname and a service token for non-browser clients; they send CF-Access-Client-Id/-Secret.');
  steps.push(
    'Apply (no compose binary needed; waits until the gateway is healthy):\n\n' +
      '   `docker-mcp apply --target docker --dir .`\n\n' +
      '   `docker-mcp status --target docker --dir .` shows it; `docker-mcp destroy --target docker --dir .` removes it. ' +
      '`docker compose up -d` works too.',
  );
  steps.push(`Configure a client from clients/ (clients/README.md says which file is for which client). ${reachabilityNote(c, 'docker')}`);
  const metrics = c.enable_metrics ? `\n- Metrics: /metrics on port ${c.metrics_port} inside the container (not published)` : '';
  const skipped = ignored.length ? `\n## Not used by the docker target\n\n${ignored.map((i) => `- ${i}`).join('\n')}\n` : '';
  return `# docker-mcp: what was rendered and what is left to do

Rendered by docker-mcp ${version} for plain Docker: compose project \`${composeProject(c)}\`.
${COMMAND_NOTE}

- Local URL: http://127.0.0.1:${c.port}/mcp (published on the Docker host's loopback only)
- External URL: ${n.externalUrl ? `${n.externalUrl}/mcp` : '(none: the tunnel is not rendered)'}
- Authentication: ${c.auth_mode}; policy preset: ${c.policy_preset}${metrics}

## Next steps

${steps.map((s, i) => `${i + 1}. ${s}`).join('\n')}
${skipped}
## Files

${files.map((f) => `- ${f}`).join('\n')}
`;
}
