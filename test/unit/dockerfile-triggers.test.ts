// The Dockerfile reader behind image_build's trigger, remote-source and pinning checks (issue 14,
// class 4): ONBUILD triggers read as the daemon reads them, ADD sources the daemon would fetch,
// the pinned Dockerfile the daemon gets, and the setting that allows remote sources.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { parsePolicyFile } from '../../src/gateway/policy/policy-file.js';
import { createOperationPolicy } from '../../src/gateway/policy/policy.js';
import type { Identity } from '../../src/gateway/security.js';
import { readBuild } from '../../src/gateway/tools/dockerfile-bases.js';
import { checkInstruction, jsonArgs, onbuildExpression, parseTrigger, possiblyRemote } from '../../src/gateway/tools/dockerfile-checks.js';
import { parseDockerfile } from '../../src/gateway/tools/dockerfile-parser.js';
import { dockerfileFindings, judgeTriggers, pinnedDockerfile } from '../../src/gateway/tools/dockerfile-triggers.js';

const EVIL = 'docker.io/evil/x:1';
const ID = 'a'.repeat(64);
const sources = (dockerfile: string) => dockerfileFindings(readBuild(dockerfile, {})).map((r) => r.source);
const triggers = (dockerfile: string, onBuild: Record<string, string[]>) => {
  const found = judgeTriggers(readBuild(dockerfile, {}), (image) => onBuild[image] ?? []);
  return { images: found.images.map((i) => i.image), via: found.images.map((i) => i.where), remote: found.remote };
};

describe('ADD sources the daemon would fetch', () => {
  it('reads the JSON form like Go\'s json.Decoder: first value only, escapes decoded', () => {
    expect(jsonArgs('["a", "b"] trailing')).toEqual(['a', 'b']);
    expect(jsonArgs('["http:\\u002f\\u002fx", "/d"]')).toEqual(['http://x', '/d']);
    expect(jsonArgs('[]')).toEqual([]);
    expect(jsonArgs('["a", 1]')).toBeUndefined();
    expect(jsonArgs('a b')).toBeUndefined();
  });

  it('counts URLs after quote and escape removal, and any variable', () => {
    for (const word of ['http://x', 'HTTPS://x', 'h\\ttp:\\/\\/x', '"http"://x', "'http://x'", 'git@github.com:a/b', 'github.com/a/b', 'ftp://x', '$U', '${U}/x']) {
      expect(possiblyRemote(word), word).toBe(true);
    }
    // Either escape token: a trigger's words are processed with the escape token of the Dockerfile that runs it.
    expect(possiblyRemote('http:`//x')).toBe(true);
    expect(possiblyRemote('http:\\//x')).toBe(true);
    for (const word of ['app.tar.gz', 'dir/file', 'a:b', 'http:/x']) expect(possiblyRemote(word), word).toBe(false);
  });

  it('reports remote sources of ADD, in every reading, but not its destination or COPY', () => {
    expect(sources('FROM scratch\nADD http://h/a local /d\n')).toEqual(['http://h/a']);
    expect(sources('FROM scratch\nADD ["http:\\u002f\\u002fh/j", "/d"] x\n')).toEqual(['http://h/j']);
    expect(sources('FROM scratch\nADD local http://not-a-source\nCOPY http://h/c /d\n')).toEqual([]);
    expect(sources('FROM scratch\nONBUILD ADD http://h/o /d\n')).toEqual(['http://h/o']);
    expect(sources('# escape=`\nFROM scratch\nADD h`ttp://h/b /d\n')).toEqual(['h`ttp://h/b']);
  });
});

describe('instruction checks', () => {
  const check = (line: string) => checkInstruction(parseDockerfile(line)[0]!, 'the Dockerfile');
  it('refuses RUN flags (BuildKit) and malformed ONBUILD lines, as the daemon does', () => {
    expect(() => check('RUN --mount=type=bind,from=evil,target=/m cat /m/x')).toThrow(/RUN --mount needs BuildKit/);
    expect(() => check('RUN --network=host true')).toThrow(/RUN --network needs BuildKit/);
    expect(() => check('ONBUILD FROM evil')).toThrow(/FROM isn't allowed as an ONBUILD trigger/);
    expect(() => check('ONBUILD ONBUILD RUN id')).toThrow(/ONBUILD isn't allowed/);
    expect(() => check('ONBUILD --x=y RUN id')).toThrow(/ONBUILD takes no flags/);
    expect(() => check('ONBUILD RUN --mount=type=cache,target=/c true')).toThrow(/needs BuildKit/);
  });

  it('reads "ONBUİLD" as ONBUILD, like Go\'s strings.ToLower', () => {
    expect(parseDockerfile('ONBU\u0130LD COPY --from=evil/x:1 / /\n')[0]!.keyword).toBe('onbuild');
    expect(triggers('FROM scratch AS a\nONBU\u0130LD COPY --from=evil/x:1 / /\nFROM a\n', {}).images).toEqual([EVIL]);
  });

  it('stores a trigger as the daemon does and reads it back as a Dockerfile of its own', () => {
    expect(onbuildExpression('onbuild   COPY a b')).toBe('COPY a b');
    expect(parseTrigger('# escape=`\nCOPY --from=evil/x:1 a` b /', 'T')).toMatchObject({ keyword: 'copy', flags: ['--from=evil/x:1'] });
    expect(() => parseTrigger('RUN a\nRUN b', 'T')).toThrow(/not a single instruction/);
    expect(() => parseTrigger('# only a comment', 'T')).toThrow(/not a single instruction/);
  });
});

describe('judgeTriggers', () => {
  it('finds images and remote sources in a base image\'s triggers', () => {
    const found = triggers('FROM base:1\n', { 'docker.io/library/base:1': ['COPY --from=evil/x:1 / /', 'ADD http://127.0.0.1:1/s /s', 'RUN id'] });
    expect(found.images).toEqual([EVIL]);
    expect(found.via).toEqual(['an ONBUILD trigger of docker.io/library/base:1']);
    expect(found.remote).toEqual([{ source: 'http://127.0.0.1:1/s', line: 'ADD http://127.0.0.1:1/s /s', where: 'an ONBUILD trigger of docker.io/library/base:1' }]);
  });

  it('resolves --from in a trigger against the stages finished before the one it runs in', () => {
    const df = 'FROM scratch AS one\nFROM base:1\n';
    const found = triggers(df, { 'docker.io/library/base:1': ['COPY --from=one / /', 'COPY --from=0 / /', 'COPY --from=1 / /', 'COPY --from=two / /'] });
    expect(found.images).toEqual(['1', 'docker.io/library/two:latest']);
  });

  it('follows triggers through stages: Dockerfile ONBUILD lines and ONBUILD triggers of a base', () => {
    expect(triggers('FROM scratch AS a\nONBUILD COPY --from=evil/x:1 / /\nFROM a\n', {}).images).toEqual([EVIL]);
    expect(triggers('FROM scratch AS a\nONBUILD COPY --from=evil/x:1 / /\nFROM scratch\n', {}).images).toEqual([]);
    const nested = { 'docker.io/library/base:1': ['ONBUILD COPY --from=evil/x:1 / /'] };
    expect(triggers('FROM base:1\n', nested).images).toEqual([]);
    expect(triggers('FROM base:1 AS a\nFROM a\n', nested).images).toEqual([EVIL]);
  });

  it('refuses triggers the daemon would refuse or cannot be read', () => {
    expect(() => triggers('FROM base:1\n', { 'docker.io/library/base:1': ['FROM evil/x:1'] })).toThrow(/FROM line/);
    expect(() => triggers('FROM base:1\n', { 'docker.io/library/base:1': ['COPY --from=$X / /'] })).toThrow(/not a variable/);
    expect(() => triggers('FROM base:1\n', { 'docker.io/library/base:1': ['RUN <<EOF\nx\nEOF'] })).toThrow(/here-documents/);
  });
});

describe('pinnedDockerfile', () => {
  it('names each external base by the bare id judged, keeping flags, stage names and the escape token', () => {
    const df = '# syntax=docker/dockerfile:1\n# escape=`\n# a comment\nARG B=base:1\nARG S=build\nFROM --platform=linux/amd64 ${B} AS Build\nRUN echo `\n  hi\nFROM $S\nCOPY --from=build /a /b\nFROM scratch\n';
    const plan = readBuild(df, {});
    expect(pinnedDockerfile(plan, () => `sha256:${ID}`)).toBe(
      `# escape=\`\nARG B=base:1\nARG S=build\nFROM --platform=linux/amd64 ${ID} AS build\nRUN echo   hi\nFROM build\nCOPY --from=build /a /b\nFROM scratch\n`);
  });

  it('refuses a Dockerfile that would not read back the same', () => {
    expect(() => pinnedDockerfile(readBuild('FROM base:1\nRUN echo \\ \\', {}), () => ID)).toThrow(/does not read back the same/);
    expect(() => pinnedDockerfile(readBuild(`FROM base:1\nFROM scratch AS ${ID}\n`, {}), () => ID)).toThrow(/Cannot pin/);
  });
});

describe('the allow_remote_build_sources setting', () => {
  const admin: Identity = { id: 'token:a', kind: 'token', name: 'a', scopes: expandScope('admin') };
  const policy = (allowRemoteBuildSources?: boolean) => createOperationPolicy({
    preset: 'admin', toolAllow: [], toolDeny: [], allowExecRoot: false, allowRemoteBuildSources,
    rules: { binds: { rules: [], socketPaths: [] }, allowedCapabilities: new Set() },
    scope: { selector: [], protectedLabels: [], protectedContainers: [], self: [] }, socketPaths: [],
  }, {} as Dockerode);
  const op = { kind: 'build.remote', source: 'http://127.0.0.1:1/x', where: 'the Dockerfile' } as const;

  it('refuses build.remote by default, naming the rule and the setting, and allows it when set', async () => {
    expect(await policy().authorize(admin, op)).toMatchObject({
      allowed: false, rule: 'build-remote-source', howToAllow: expect.stringContaining('allow_remote_build_sources') as unknown,
    });
    expect(await policy(true).authorize(admin, op)).toEqual({ allowed: true });
  });

  it('is a policy file key', () => {
    expect(parsePolicyFile('allow_remote_build_sources: true\n', 'p.yaml')).toEqual({ allow_remote_build_sources: true });
    expect(() => parsePolicyFile('allow_remote_build_sources: "yes please"\n', 'p.yaml')).toThrow(/Invalid policy file/);
  });
});
