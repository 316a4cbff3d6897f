// `docker-mcp image build`: builds the gateway image from this installed package through the Docker
// API. Options are declared here; the implementation (dockerode, tar) loads only when it runs.
import { Option, type Command } from 'commander';

export interface ImageBuildFlags {
  tag?: string;
  baseImage?: string;
  dockerHost?: string;
}

export function registerImage(program: Command): void {
  const image = program.command('image').description('Build the gateway container image.');
  image
    .command('build')
    .description('Build the gateway image (docker-mcp-gateway:<version>) from this installed package, without a registry.')
    .addOption(new Option('-t, --tag <name>', 'image name and tag (default: docker-mcp-gateway:<package version>)'))
    .addOption(new Option('--base-image <image>', 'Node 20+ base image already on the daemon or pullable').default('node:20-bookworm-slim'))
    .addOption(new Option('--docker-host <url>', 'Docker Engine endpoint').env('DOCKER_HOST').default('unix:///var/run/docker.sock'))
    .addHelpText(
      'after',
      '\nBuild output goes to stderr; the image name is printed on stdout.\n\n' +
        'Examples:\n' +
        '  docker-mcp image build\n' +
        '  docker-mcp image build --base-image registry.local/node:20-slim --tag docker-mcp-gateway:dev\n',
    )
    .action(async (flags: ImageBuildFlags) => {
      const { runImageBuild } = await import('../../image/command.js');
      await runImageBuild(flags);
    });
}
