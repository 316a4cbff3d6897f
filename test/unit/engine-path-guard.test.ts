// checkEnginePath (src/gateway/docker/engine-guard.ts) and the edge schemas (tools/identifiers.ts)
// against hostile values: dot segments in every spelling, percent and double encoding, unicode look-
// alikes, control characters, very long values. Plus a generated property: whatever the guard
// accepts is a path the Engine would not clean (so never answers with a redirect) and holds only
// Docker's id/name/reference characters.
import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkEnginePath, MAX_ENGINE_PATH } from '../../src/gateway/docker/engine-guard.js';
import { containerArgumentProblem, containerPrefixProblem, imageRef } from '../../src/gateway/tools/identifiers.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;

describe('checkEnginePath', () => {
  it.each([
    '/_ping',
    '/containers/json?',
    '/containers/3f4e5a/json',
    '/v1.47/containers/web-1_a.b/json?',
    `/images/ghcr.io/team/app:1.2@${DIGEST}/json`,
    '/images/registry.example.com:5000/team/app/history',
    `/images/${encodeURIComponent('registry.example.com:5000/team/app:1.2')}/history`,
    '/networks/my_net.1',
    '/exec/0123abcd/start',
    '/images/a+b/json',
  ])('accepts %j', (path) => {
    expect(checkEnginePath(path)).toBeUndefined();
  });

  it.each([
    // dot and empty segments, raw
    ['/images/rt//busybox/json', /empty segment/],
    ['/images/rt/./busybox/json', /"\." segment/],
    ['/containers/../x/json', /"\.\." segment/],
    ['/containers/x/', /empty segment/],
    ['//containers/x', /empty segment/],
    ['/containers/x/..', /"\.\." segment/],
    // percent-encoded in every case and mix
    ['/containers/%2e%2e/json', /"\.\." segment/],
    ['/containers/%2E%2E/json', /"\.\." segment/],
    ['/containers/.%2e/json', /"\.\." segment/],
    ['/containers/%2e./json', /"\.\." segment/],
    ['/containers/..%2fx/json', /"\.\." segment/],
    ['/containers/x%2F..%2F..%2Fy/json', /"\.\." segment/],
    ['/containers/x%2f%2fy/json', /empty segment/],
    ['/containers/%2e/json', /"\." segment/],
    // double encoding: what survives one decode still has "%"
    ['/containers/%252e%252e/json', /contains "%" once %-decoded/],
    ['/containers/%25/json', /contains "%" once %-decoded/],
    // encodings that decode to characters that change the request
    ['/containers/x%3fall=1/json', /contains "\?" once %-decoded/],
    ['/containers/x%23y/json', /contains "#" once %-decoded/],
    ['/containers/x%5c..%5cy/json', /contains "\\\\" once %-decoded/],
    ['/containers/x%00/json', /contains "\\u0000" once %-decoded/],
    ['/containers/x%0a/json', /contains "\\n" once %-decoded/],
    ['/containers/x%20y/json', /contains " " once %-decoded/],
    ['/containers/%e2%80%ae/json', /once %-decoded/],
    // malformed and overlong UTF-8 escapes
    ['/containers/%zz/json', /malformed %-escape/],
    ['/containers/%2/json', /malformed %-escape/],
    ['/containers/%c0%ae%c0%ae/json', /malformed %-escape/],
    // raw characters
    ['/containers/x?all=1/json', /contains "\?"/],
    ['/containers/x#y/json', /contains "#"/],
    ['/containers/..\\x/json', /contains "\\\\"/],
    ['/containers/x\u0000y/json', /contains "\\u0000"/],
    ['/containers/x\r\nHost: evil/json', /contains "\\r"/],
    ['/containers/x\ty/json', /contains "\\t"/],
    ['/containers/x\u007f/json', /contains "\\u007f"/],
    ['/containers/x y/json', /contains " "/],
    ['/containers/caf\u00e9/json', /contains "\\u00e9"/],
    ['/containers/\uff0e\uff0e/json', /contains "\\uff0e"/],
    ['/containers/x\u200by/json', /contains/],
    ['/containers/x\u202e/json', /contains/],
    ['/containers/\u{1F600}/json', /contains/],
    // shape
    ['containers/x/json', /not absolute/],
    ['', /not absolute/],
    ['/containers/x/json??', /contains "\?"/],
    [`/containers/${'a'.repeat(MAX_ENGINE_PATH)}/json`, /longer than 2048/],
    [undefined, /no path/],
    [42, /no path/],
  ])('refuses %j (%s)', (path, why) => {
    const reason = checkEnginePath(path);
    expect(reason).toMatch(why);
    // The reason names the value, escaped and short enough for a tool error.
    expect(reason!.length).toBeLessThan(300);
    expect(reason).toMatch(/^[\x20-\x7e]+$/);
  });

  it('property: an accepted path is already clean, once decoded, and uses only the safe alphabet', () => {
    // Deterministic generator (xorshift) over the alphabet of path tricks.
    let state = 0x9e3779b9;
    const next = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const atoms = ['.', '..', '/', '//', '%2e', '%2E', '%2f', '%2F', '%25', '%5c', '%00', '%3f', '?', '#', '\\', ' ', 'a', 'b1', ':', '@', '-', '_', '~', '+',
      '%41', '\u00e9', '\uff0e', '\u0000', '\n', '%', '%c0%ae', 'sha256:ab', 'x.y'];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let value = '';
      const length = 1 + next(6);
      for (let j = 0; j < length; j++) value += atoms[next(atoms.length)];
      const path = `/containers/${value}/json${next(2) ? '?' : ''}`;
      if (checkEnginePath(path) !== undefined) continue;
      accepted++;
      const decoded = decodeURIComponent(path.replace(/\?$/, ''));
      expect(posix.normalize(decoded), path).toBe(decoded);
      expect(decoded, path).toMatch(/^(\/[A-Za-z0-9._~:@+-]+)+$/);
      expect(decoded.split('/').filter((s) => s === '.' || s === '..'), path).toEqual([]);
    }
    // The generator does produce clean values too, so the property is not vacuous.
    expect(accepted).toBeGreaterThan(500);
  });
});

describe('edge schemas (tools/identifiers.ts)', () => {
  it.each([
    'busybox', 'busybox:1.36', 'library/busybox', 'docker.io/library/busybox:latest', 'ghcr.io/x/y:tag',
    `ghcr.io/x/y:tag@${DIGEST}`, `busybox@${DIGEST}`, 'registry.example.com:5000/team/app:1.2', 'localhost:5000/a_b/c-d',
    'a1b2c3d4e5f6', DIGEST,
  ])('image reference %j is accepted', (value) => {
    expect(imageRef.safeParse(value).success).toBe(true);
  });

  it.each([
    'rt//busybox', 'rt/./busybox', '../x', 'x/..', '..', '.', 'busybox/.', '127.0.0.1:1//path', '../127.0.0.1:1/path', 'x/../../y',
    '..:5000/x', 'a..b.com/x', 'busybox?all=1', 'busybox#x', 'busybox%2f..', 'Busybox', ' busybox', 'busybox ', 'busy\u0000box',
    'caf\u00e9', '[::1]:5000/x', 'x:', 'x@', `x@sha256:${'g'.repeat(64)}`, '/busybox', 'busybox/', 'a'.repeat(513), '',
  ])('image reference %j is refused', (value) => {
    expect(imageRef.safeParse(value).success).toBe(false);
  });

  it('a refused reference gets one message, not one per check', () => {
    const result = imageRef.safeParse('rt//busybox');
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
  });

  it('container arguments follow the container tools\' rule; a completion prefix may be empty', () => {
    for (const ok of ['web', 'web-1_a.b', 'a1b2c3', 'x'.repeat(256)]) expect(containerArgumentProblem(ok)).toBeUndefined();
    for (const bad of ['', '.', '..', '../x', 'a/b', '/web', 'x?y', 'x#y', 'x%2f', ' x', 'x\u0000', '\uff0e', 'x'.repeat(257), 42, null]) {
      expect(containerArgumentProblem(bad), JSON.stringify(bad)).toMatch(/letters, digits/);
    }
    expect(containerPrefixProblem('')).toBeUndefined();
    expect(containerPrefixProblem('we')).toBeUndefined();
    for (const bad of ['.', '../', 'a/', 'x'.repeat(257), 'x\n', undefined]) {
      expect(containerPrefixProblem(bad), JSON.stringify(bad)).toMatch(/letters, digits/);
    }
  });
});
