// The gateway image's default name. Pure (no Docker client), so the installer's renderers can import
// it: the Kubernetes manifests, the Terraform module and the compose file default to exactly the
// image `docker-mcp image build` produces.
export const IMAGE_REPOSITORY = 'docker-mcp-gateway';

export function defaultImageTag(version: string): string {
  return `${IMAGE_REPOSITORY}:${version}`;
}

/** The base image real users build from; tests pass a locally assembled one instead. */
export const DEFAULT_BASE_IMAGE = 'node:20-bookworm-slim';
