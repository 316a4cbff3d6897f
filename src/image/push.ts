// `docker-mcp image build --push`: pushes the tag just built to the registry its name points at,
// through the same Docker Engine that built it (no docker CLI). Credentials come from the Docker
// client config the way `docker push` finds them: `auths` entries written by `docker login`, or a
// credential helper (`credHelpers`/`credsStore`, run as docker-credential-<name> get).
import type Dockerode from 'dockerode';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseReference } from '../gateway/tools/images-reference.js';
import { followDaemonProgress } from './daemon-progress.js';

interface DockerConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Why a tag cannot be pushed, or undefined; checked before anything is built. */
export function pushProblem(tag: string): string | undefined {
  const parsed = parseReference(tag);
  if (parsed.digest) return `--push needs a tag, not a digest: ${tag}`;
  // A bare name would go to docker.io/library/…, which is never the user's registry.
  if (parsed.domain === 'docker.io' && parsed.path.startsWith('library/')) {
    return `--push needs a tag naming a registry, like registry.local:5000/${tag.split('@')[0]} (got ${tag}, which would go to Docker Hub's library)`;
  }
  return undefined;
}

/** The keys `docker login` uses for a registry host (Docker Hub has its historical URL). */
function configKeys(domain: string): string[] {
  return domain === 'docker.io'
    ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io']
    : [domain, `https://${domain}`, `http://${domain}`];
}

export function registryAuth(domain: string, env: NodeJS.ProcessEnv = process.env): Dockerode.AuthConfig {
  const file = join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  if (!existsSync(file)) return {};
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch {
    return {};
  }
  const keys = configKeys(domain);
  const helper = keys.map((k) => config.credHelpers?.[k]).find(Boolean) ?? config.credsStore;
  if (helper) {
    try {
      const out = execFileSync(`docker-credential-${helper}`, ['get'], { input: keys[0], encoding: 'utf8', timeout: 10_000, stdio: ['pipe', 'pipe', 'ignore'] });
      const { Username, Secret } = JSON.parse(out) as { Username?: string; Secret?: string };
      if (Secret) {
        return Username === '<token>'
          ? { identitytoken: Secret, serveraddress: domain }
          : { username: Username ?? '', password: Secret, serveraddress: domain };
      }
    } catch {
      // No entry for this registry in the helper: try the plain `auths` entry, then anonymous.
    }
  }
  const entry = keys.map((k) => config.auths?.[k]).find(Boolean);
  if (entry?.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: domain };
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: domain };
  }
  return {};
}

/** Pushes `tag` and returns it pinned by the digest the registry stored (`name:tag@sha256:…`). */
export async function pushImage(
  docker: Dockerode,
  tag: string,
  options: { onProgress?: (text: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<string> {
  const parsed = parseReference(tag);
  const progress = options.onProgress ?? (() => undefined);
  const repository = tag.slice(0, tag.length - (parsed.tag ? parsed.tag.length + 1 : 0));
  // The daemon refuses a push without an X-Registry-Auth header: "{}" when anonymous.
  const stream = await docker.getImage(repository).push({
    tag: parsed.tag ?? 'latest',
    authconfig: registryAuth(parsed.domain, options.env),
  } as Dockerode.ImagePushOptions);
  let digest: string | undefined;
  const failure = await followDaemonProgress(docker, stream, progress, (aux) => {
    if (typeof aux.Digest === 'string') digest = aux.Digest;
  });
  if (failure) {
    const auth = /unauthorized|authentication required|denied/i.test(failure)
      ? ` Log in first (\`docker login ${parsed.domain}\`) on the machine running docker-mcp.`
      : /http: server gave HTTP response to HTTPS client/i.test(failure)
        ? ` The daemon talks HTTPS to ${parsed.domain}: add it to "insecure-registries" in its daemon.json, or serve TLS.`
        : '';
    throw new Error(`pushing ${tag} failed: ${failure}.${auth}`);
  }
  if (!digest) throw new Error(`pushing ${tag}: the daemon reported no digest`);
  return `${repository}:${parsed.tag ?? 'latest'}@${digest}`;
}
