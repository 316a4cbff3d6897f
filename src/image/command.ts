// The implementation behind `docker-mcp image build` (lazily imported by src/cli/commands/image.ts).
import { CliError, UsageError } from '../shared/errors.js';
import { connectDocker } from '../gateway/docker/client.js';
import { buildGatewayImage } from './build.js';
import { referencePattern } from '../gateway/tools/images-reference.js';
import { pushImage, pushProblem } from './push.js';

/** The options src/cli/commands/image.ts declares, as commander hands them over. */
export interface ImageBuildFlags {
  tag?: string;
  push?: boolean;
  baseImage?: string;
  dockerHost?: string;
}

export async function runImageBuild(flags: ImageBuildFlags): Promise<void> {
  const dockerHost = flags.dockerHost ?? process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  // Checked before anything is built: a bad tag or a push of a bare name (Docker Hub's library).
  if (flags.tag !== undefined && (!referencePattern.test(flags.tag) || flags.tag.includes('@'))) {
    throw new UsageError(`--tag ${flags.tag} must be an image name and tag (like registry.local:5000/docker-mcp-gateway:0.1.0), without a digest`);
  }
  if (flags.push) {
    const refused = flags.tag ? pushProblem(flags.tag) : '--push needs --tag naming a registry, like --tag registry.local:5000/docker-mcp-gateway:<version>';
    if (refused) throw new UsageError(refused);
  }
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
  let tag: string;
  try {
    const built = await buildGatewayImage(docker, {
      ...(flags.tag ? { tag: flags.tag } : {}),
      ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
      onProgress: (text) => process.stderr.write(text),
    });
    process.stderr.write(`Built ${built.tag} (${built.id}) from ${built.baseImage}\n`);
    if (!flags.push) {
      process.stdout.write(`${built.tag}\n`);
      return;
    }
    tag = built.tag;
  } catch (error) {
    throw new CliError(`Image build failed: ${(error as Error).message}`);
  }
  try {
    const pinned = await pushImage(docker, tag, { onProgress: (text) => process.stderr.write(text) });
    process.stderr.write(`Pushed ${pinned}\n`);
    process.stdout.write(`${pinned}\n`);
  } catch (error) {
    throw new CliError(`Image push failed: ${(error as Error).message}`);
  }
}
