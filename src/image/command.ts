// The implementation behind `docker-mcp image build` (lazily imported by src/cli/commands/image.ts).
import { CliError, UsageError } from '../cli/errors.js';
import { connectDocker } from '../gateway/docker/client.js';
import type { ImageBuildFlags } from '../cli/commands/image.js';
import { buildGatewayImage } from './build.js';

export async function runImageBuild(flags: ImageBuildFlags): Promise<void> {
  const dockerHost = flags.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  if (!/^(unix|tcp|npipe|http|https):\/\/.+/.test(dockerHost)) {
    throw new UsageError(`--docker-host ${dockerHost} must look like unix:///path or tcp://host:port`);
  }
  const { docker, endpoint } = connectDocker({
    docker_host: dockerHost,
    docker_tls_verify: ['1', 'true'].includes(process.env.DOCKER_TLS_VERIFY ?? ''),
    docker_cert_path: process.env.DOCKER_CERT_PATH,
    docker_timeout: 600,
  });
  try {
    await docker.ping();
  } catch (error) {
    throw new CliError(`Cannot reach the Docker Engine at ${endpoint}: ${(error as Error).message}`);
  }
  try {
    const built = await buildGatewayImage(docker, {
      ...(flags.tag ? { tag: flags.tag } : {}),
      ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
      onProgress: (text) => process.stderr.write(text),
    });
    process.stderr.write(`Built ${built.tag} (${built.id}) from ${built.baseImage}\n`);
    process.stdout.write(`${built.tag}\n`);
  } catch (error) {
    throw new CliError(`Image build failed: ${(error as Error).message}`);
  }
}
