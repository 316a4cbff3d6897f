// `docker-mcp image build`: builds the gateway image from this installed package through the Docker
// API. Options are declared here; the implementation (dockerode, tar) loads only when it runs.
import { Option, type Command } from 'commander';
// Type only: the implementation still loads lazily, in the action.
import type { ImageBuildFlags } from '../../image/command.js';

export function registerImage(program: Command): void {
  const image = program.command('image').description('Build the gateway container image.');
  image
    .command('build')
    .description('Build the gateway image (docker-mcp-gateway:<version>) from this installed package; --push sends it to a registry.')
    .addOption(new Option('-t, --tag <name>', 'image reference to tag, a registry one for --push (default: docker-mcp-gateway:<package version>)'))
    .addOption(new Option('--push', 'push the tag to the registry it names through the same Docker daemon (credentials from docker login); prints the reference pinned by digest'))
    .addOption(new Option('--base-image <image>', 'Node 20+ base image already on the daemon or pullable').default('node:20-bookworm-slim'))
    .addOption(new Option('--docker-host <url>', 'Docker Engine endpoint').env('DOCKER_HOST').default('unix:///var/run/docker.sock'))
    .addHelpText(
      'after',
      '\nBuild output goes to stderr; the image name is printed on stdout (with --push: name:tag@sha256:…, the\n' +
        'reference to give init as --docker-image).\n\n' +
        'The base image must be on the daemon or pullable. Without a registry, pass --base-image with an image\n' +
        '`docker images` lists (Node 20 or later), or `docker load -i <file>` one first; otherwise the build stops\n' +
        'before it starts and says so (exit 1).\n\n' +
        'Examples:\n' +
        '  docker-mcp image build\n' +
        '  docker-mcp image build --tag registry.local:5000/docker-mcp-gateway:0.1.0 --push\n' +
        '  docker-mcp image build --base-image registry.local/node:20-slim --tag docker-mcp-gateway:dev\n',
    )
    .action(async (flags: ImageBuildFlags) => {
      const { runImageBuild } = await import('../../image/command.js');
      await runImageBuild(flags);
    });
}
