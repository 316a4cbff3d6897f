// `image build --push`: which tags may be pushed, and the credentials `docker login` left behind,
// found the way `docker push` finds them (auths entries; Docker Hub under its historical URL).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pushProblem, registryAuth } from '../../src/image/push.js';

describe('pushProblem', () => {
  it('accepts registry tags and refuses digests and bare names (Docker Hub library)', () => {
    expect(pushProblem('registry.local:5000/docker-mcp-gateway:0.1.0')).toBeUndefined();
    expect(pushProblem('localhost:5000/a/b:1')).toBeUndefined();
    expect(pushProblem('me/docker-mcp-gateway:1')).toBeUndefined();
    expect(pushProblem('docker-mcp-gateway:0.1.0')).toMatch(/needs a tag naming a registry/);
    expect(pushProblem(`r.local/x@sha256:${'a'.repeat(64)}`)).toMatch(/not a digest/);
  });
});

describe('registryAuth', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dmcp-docker-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (config: unknown): void => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const env = { DOCKER_CONFIG: dir };

  it('decodes the auths entry for the registry host', () => {
    write({ auths: { 'registry.local:5000': { auth: Buffer.from('me:s3cret:with-colon').toString('base64') } } });
    expect(registryAuth('registry.local:5000', env)).toEqual({ username: 'me', password: 's3cret:with-colon', serveraddress: 'registry.local:5000' });
    expect(registryAuth('other.local', env)).toEqual({});
  });

  it('finds Docker Hub under https://index.docker.io/v1/ and identity tokens', () => {
    write({ auths: { 'https://index.docker.io/v1/': { identitytoken: 'tok' } } });
    expect(registryAuth('docker.io', env)).toEqual({ identitytoken: 'tok', serveraddress: 'docker.io' });
  });

  it('is anonymous without a config file, or when the credential helper is missing', () => {
    expect(registryAuth('registry.local', { DOCKER_CONFIG: join(dir, 'nope') })).toEqual({});
    write({ credsStore: 'does-not-exist-here' });
    expect(registryAuth('registry.local', env)).toEqual({});
  });
});
