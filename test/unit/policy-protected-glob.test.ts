// protected_containers globs over name, id and image: `*` and `?` cross '/' so the default
// `*cloudflared*` protects cloudflared however its image is spelled (registry, namespace, tag).
import { describe, expect, it } from 'vitest';
import { imageAllowed, parseImageRef } from '../../src/gateway/policy/images.js';
import { checkControl, protectedGlobMatches, type ContainerFacts } from '../../src/gateway/policy/scope.js';

const ID = 'f'.repeat(64);
const facts = (name: string, image: string): ContainerFacts => ({ id: ID, name, image, labels: {}, user: '', hostConfig: {}, mounts: [], networks: {} });

describe('protected_containers globs', () => {
  it.each([
    'cloudflare/cloudflared:latest',
    'cloudflare/cloudflared',
    'docker.io/cloudflare/cloudflared:2024.1',
    'docker.io/cloudflare/cloudflared:2024.6.1',
    'ghcr.io/x/cloudflared',
    'registry.example.com:5000/infra/tunnels/cloudflared@sha256:' + 'a'.repeat(64),
    'Cloudflare/Cloudflared:Latest',
  ])('*cloudflared* matches a container named "tunnel" running %s', (image) => {
    expect(protectedGlobMatches(facts('tunnel', image), '*cloudflared*')).toBe(true);
    expect(() => checkControl(facts('tunnel', image), 'stop', { selector: [], protectedLabels: [], protectedContainers: ['*cloudflared*'], self: [] }))
      .toThrow(/protected_containers "\*cloudflared\*"/);
  });

  it.each(['nginx:latest', 'docker.io/library/busybox', 'ghcr.io/x/cloudflare', 'example.com/cloudflare/tunnel:1'])(
    '*cloudflared* does not match "tunnel" running %s',
    (image) => {
      expect(protectedGlobMatches(facts('tunnel', image), '*cloudflared*')).toBe(false);
    },
  );

  it('still matches names and ids, and other glob shapes', () => {
    expect(protectedGlobMatches(facts('my-cloudflared-1', 'busybox'), '*cloudflared*')).toBe(true);
    expect(protectedGlobMatches(facts('postgres-main', 'busybox'), 'postgres-*')).toBe(true);
    expect(protectedGlobMatches(facts('traefik', 'busybox'), 'traefik')).toBe(true);
    expect(protectedGlobMatches(facts('x', 'busybox'), 'fff?ff*')).toBe(true);
    expect(protectedGlobMatches(facts('x', 'busybox'), 'traefik')).toBe(false);
    // Repository globs match the reference as written or expanded.
    expect(protectedGlobMatches(facts('x', 'cloudflare/cloudflared:latest'), 'docker.io/cloudflare/*')).toBe(true);
    expect(protectedGlobMatches(facts('x', 'traefik:v3'), 'docker.io/library/traefik:*')).toBe(true);
    expect(protectedGlobMatches(facts('x', 'traefik:v3'), 'traefik*')).toBe(true);
    // Regex characters in a glob are literal.
    expect(protectedGlobMatches(facts('a.b', 'busybox'), 'a.b')).toBe(true);
    expect(protectedGlobMatches(facts('axb', 'busybox'), 'a.b')).toBe(false);
    expect(protectedGlobMatches(facts('x', 'busybox'), '')).toBe(false);
  });

  it('allowed_images keeps `*` within one path segment', () => {
    const ref = parseImageRef('cloudflare/cloudflared:latest')!;
    expect(imageAllowed(ref, ['*cloudflared*'])).toBe(false);
    expect(imageAllowed(ref, ['cloudflare/*'])).toBe(true);
    expect(imageAllowed(parseImageRef('ghcr.io/x/y/z')!, ['ghcr.io/*'])).toBe(false);
  });
});
