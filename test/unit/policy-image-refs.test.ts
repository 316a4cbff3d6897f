// The allowed_images bypasses found in review: Dockerfile parsing that disagrees with the daemon's
// (escape directive, continuations, builder flags, all-digit FROM) and short image-id prefixes.
import { describe, expect, it } from 'vitest';
import { isImageId } from '../../src/gateway/policy/images.js';
import { baseImages, parseDockerfile } from '../../src/gateway/tools/dockerfile-bases.js';

const EVIL = 'docker.io/evil/notallowed:1';

describe('baseImages follows the daemon\'s Dockerfile parser', () => {
  it('honours "# escape=`": a backslash is then no continuation, so the second FROM is seen', () => {
    const df = '# escape=`\nFROM scratch\nENV A \\\nFROM evil/notallowed:1\nRUN id\n';
    expect(baseImages(df, {})).toEqual([EVIL]);
    expect(parseDockerfile(df).map((i) => i.keyword)).toEqual(['from', 'env', 'from', 'run']);
  });

  it('joins backtick continuations under "# escape=`", and backslash ones by default', () => {
    expect(baseImages('# escape=`\nFROM scratch\nENV A `\nFROM evil/notallowed:1\n', {})).toEqual([]);
    expect(baseImages('# Escape = ` \n# syntax=docker/dockerfile:1\nFROM busybox`\n:1.36\n', {})).toEqual(['docker.io/library/busybox:1.36']);
    expect(baseImages('FROM scratch\nENV A \\\nFROM evil/notallowed:1\n', {})).toEqual([]);
  });

  it('drops comment and blank lines inside a continuation, as Docker does', () => {
    const df = 'FROM scratch\nENV A \\\n  # a comment\n\nB=1\nFROM evil/notallowed:1\n';
    expect(baseImages(df, {})).toEqual([EVIL]);
    expect(parseDockerfile(df)[1]!.line).toBe('ENV A B=1');
  });

  it('treats a directive after a comment or instruction as a comment, and refuses stray escape directives', () => {
    expect(() => baseImages('# hello\n# escape=`\nFROM scratch\nENV A \\\nFROM evil/notallowed:1\n', {})).toThrow(/escape directive/);
    expect(() => baseImages('FROM scratch\n# escape=`\n', {})).toThrow(/escape directive/);
    expect(() => baseImages('#\u00a0escape=`\nFROM scratch\n', {})).toThrow(/escape directive/);
    expect(() => baseImages('# escape=x\nFROM scratch\n', {})).toThrow(/invalid escape token/);
    expect(() => baseImages('# escape=`\n# escape=\\\nFROM scratch\n', {})).toThrow(/only one escape/);
  });

  it('counts only spaces and tabs after a continuation token, like Docker', () => {
    expect(baseImages('FROM scratch\nENV A \\\f\nFROM evil/notallowed:1\n', {})).toEqual([EVIL]);
    expect(baseImages('FROM scratch\r\nENV A \\ \t\r\nFROM evil/notallowed:1\r\n', {})).toEqual([]);
  });

  it('refuses forms Docker versions read differently', () => {
    expect(() => baseImages('FROM scratch\nENV A \\\\\nFROM evil/notallowed:1\n', {})).toThrow(/doubled escape/);
    expect(() => baseImages('FROM scratch\nENV A \\\r\rFROM evil/notallowed:1\n', {})).toThrow(/carriage return/);
    expect(() => baseImages('FROM scratch\nRUN <<EOF\nx\nEOF\n', {})).toThrow(/here-documents/);
  });

  it('parses builder flags like Docker, refusing quoted ones', () => {
    expect(baseImages('FROM --platform=linux/amd64 evil/notallowed:1\n', {})).toEqual([EVIL]);
    expect(() => baseImages('FROM --platform="${NOPE:+ scratch }linux/amd64" evil/notallowed:1\n', {})).toThrow(/--name=value/);
    expect(() => baseImages('FROM --platform linux/amd64 scratch\n', {})).toThrow(/--name=value/);
    expect(baseImages('FROM scratch\nCOPY --chown=1 --from=evil/notallowed:1 / /\n', {})).toEqual([EVIL]);
  });

  it('does not skip an all-digit FROM: the daemon resolves it as an image id prefix', () => {
    expect(baseImages('FROM 849\nRUN id\n', {})).toEqual(['849']);
    expect(baseImages('FROM b1c984 AS x\n', {})).toEqual(['b1c984']);
  });

  it('skips only earlier stages in COPY --from, by name or index', () => {
    const df = 'FROM busybox AS one\nCOPY --from=one / /\nCOPY --from=0 / /\nFROM scratch\nCOPY --from=one / /\nCOPY --from=0 / /\nCOPY --from=1 / /\n';
    expect(baseImages(df, {})).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/one:latest', '0', '1']);
    expect(baseImages('FROM busybox AS base\nFROM base\n', {})).toEqual(['docker.io/library/busybox:latest']);
  });

  it('substitutes only plainly declared meta args', () => {
    expect(baseImages('ARG BASE=busybox\nARG TAG="1.36"\nFROM ${BASE}:$TAG\n', {})).toEqual(['docker.io/library/busybox:1.36']);
    expect(baseImages('ARG BASE=busybox\nFROM $BASE\n', { BASE: 'evil/notallowed:1' })).toEqual([EVIL]);
    expect(baseImages('ARG BASE\nFROM ${BASE:-evil/notallowed:1}\n', {})).toEqual([EVIL]);
    // Docker reads "A=evil\ B=busybox" as one declaration, so B is undeclared there.
    expect(() => baseImages('ARG A=evil\\ B=busybox\nFROM ${B:-evil/notallowed:1}\n', {})).toThrow(/Cannot work out the image/);
    expect(() => baseImages('FROM ${UNDECLARED:-busybox}\n', {})).toThrow(/Cannot work out the image/);
    expect(() => baseImages('ARG TARGETARCH=busybox\nFROM $TARGETARCH\n', {})).toThrow(/Cannot work out the image/);
    expect(() => baseImages('FROM "busybox"\n', {})).toThrow(/Cannot work out the image/);
    expect(() => baseImages('FROM scratch\nCOPY --from=$X / /\n', {})).toThrow(/variable/);
  });
});

describe('isImageId covers every id prefix the daemon accepts', () => {
  it('matches lower-case hex of any length, with or without sha256:', () => {
    for (const ref of ['b1c984', '849', 'a', 'sha256:b1c984', 'f'.repeat(64), `sha256:${'0'.repeat(64)}`]) expect(isImageId(ref), ref).toBe(true);
    for (const ref of ['busybox', 'B1C984', 'b1c984:latest', 'library/b1c984', 'docker.io/library/b1c984', 'f'.repeat(65), '']) expect(isImageId(ref), ref).toBe(false);
  });
});
