// Hostile values for the adversarial suite: a seeded PRNG (replay with DOCKER_MCP_FUZZ_SEED), a
// corpus of path tricks, encodings, unicode, huge and nested values and the names of objects the
// policy protects, and generators driven by each tool's JSON input schema, so a new tool or
// argument is covered without touching this file. No value here is chosen to make a check pass.

/** sfc32: small, fast, good enough, and reproducible from one 32-bit seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  next(): number {
    this.a >>>= 0; this.b >>>= 0; this.c >>>= 0; this.d >>>= 0;
    const t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    const r = (t + this.d) | 0;
    this.c = (this.c + r) | 0;
    return (r >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export function seedFromEnv(): number {
  const given = process.env.DOCKER_MCP_FUZZ_SEED;
  return given ? Number(given) >>> 0 : (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
}

/** What the corpus knows about the world under attack. */
export interface CorpusContext {
  image: string;
  imageId: string;
  protectedNames: string[];
  protectedIds: string[];
  otherNames: string[];
  hostNetworkId: string;
  trapPort: number;
  allowedDir: string;
  dockerSocket: string;
}

/** encodeURIComponent that keeps a lone surrogate (which it cannot encode) as it is. */
export function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/**
 * The corpus in categories. Sampling picks a category first, then a value, so a small category
 * (user specs, Dockerfiles) is tried as often as a large one (object names).
 */
export function hostileCategories(ctx: CorpusContext): Record<string, string[]> {
  const trap = `127.0.0.1:${ctx.trapPort}`;
  const repo = ctx.image.split(':')[0] ?? ctx.image;
  const shortId = ctx.imageId.replace('sha256:', '');
  const ids = [...ctx.protectedIds, ctx.hostNetworkId];
  const a = ctx.allowedDir;
  return {
    paths: ['', ' ', '.', '..', '../x', '../../../../etc/passwd', './', '/', '//', '..;/x', 'rt//busybox', 'rt/./busybox', 'rt/../busybox',
      `${repo}//x`, `${repo}/../x`, `${repo}/./x`, `${ctx.image}/..`, `x/../${repo}`, 'a\\..\\b', '..\\..\\x', '\\\\host\\share'],
    network: [`../${trap}/path`, `../../${trap}/path?x=`, `${trap}/x`, `${trap}/library/busybox:latest`, `http://${trap}/x`, `//${trap}/x`,
      `localhost:${ctx.trapPort}/x`, `[::1]:${ctx.trapPort}/x`, `x@${trap}`],
    encodings: ['%2e%2e%2f', '%2e%2e/%2e%2e/x', '%252e%252e%252f', '..%2f..%2fx', '%2F', '%00', '%0d%0aX: y', '?a=b', 'x?all=1&force=1', '#frag', 'x#y'],
    control: ['x\u0000y', '\u0000', '\r\nX-Injected: 1', '\t\n', '\u001b[31m'],
    unicode: ['\u202ecloudflared', 'cloud\u200bflared', 'a\ufeffb', '\u0441loudflared', 'cloudflaｒed', 'ＣＬＯＵＤＦＬＡＲＥＤ', 'CLOUDFLARED', 'e\u0301', '\ud800', '😀'.repeat(50)],
    sizes: ['x'.repeat(100_000), 'a'.repeat(257), 'a'.repeat(513), `${'../'.repeat(2000)}x`],
    protectedNames: ctx.protectedNames.flatMap((n) => [n, `/${n}`, `${n}/`, `${n}.`, ` ${n}`, `${n}\u0000`, n.toUpperCase(), `${n}-2`, `*${n}*`]),
    ids: ids.flatMap((id) => [id, id.slice(0, 12), id.slice(0, 3), id.slice(0, 1), id.toUpperCase(), `sha256:${id}`]),
    otherNames: ctx.otherNames,
    namespaces: ['host', 'HOST', 'Host', `container:${ctx.protectedNames[0] ?? ''}`, `container:${ctx.protectedIds[0] ?? ''}`, 'bridge', 'none', 'default', 'private', 'shareable', 'ns:/proc/1/ns/net'],
    hostPaths: [ctx.dockerSocket, '/var/run/docker.sock', '/run/docker.sock', '/var/run', '/proc/1/root', '/proc/self/root', '/proc/self/fd/0', '/dev/mem', '/etc/shadow', '/sys',
      `${a}:/host`, '/:/host:rw', '/var/run/docker.sock:/s'],
    allowedDir: [a, `${a}/sub`, `${a}/link`, `${a}/link/etc`, `${a}/../..`, `${a}/./../`, `${a}/sub/../../`, `${a}x`],
    images: [ctx.image, repo, ctx.imageId, shortId.slice(0, 12), shortId.slice(0, 2), `${repo}@sha256:${'0'.repeat(64)}`, 'busybox', 'docker.io/library/busybox', 'scratch'],
    dockerfiles: [`FROM ${ctx.image}\nADD http://${trap}/x /x`, `FROM ${ctx.image}\nADD --chmod=777 http://${trap}/y /y`, `FROM ${ctx.image}\nCOPY --from=busybox / /`,
      `FROM ${ctx.image}\nONBUILD RUN id`, `# escape=\`\nFROM ${ctx.image}`, `FROM ${ctx.image}\nRUN wget http://${trap}/z`, `FROM ${trap}/x`],
    json: ['{"a":1}', '[]', 'null', 'true', '{"__proto__":{"x":1}}', '__proto__', 'constructor', 'prototype', 'toString'],
    numbers: ['-1', '0', '-0', '00', '+0', '9007199254740993', '1e999', 'NaN', 'Infinity', '0x10', '-9223372036854775808'],
    users: ['root', '0:0', '0', 'toor', '65534:0', '1000:0', ':0', 'nobody', '-1:-1', 'root:root', '0:65534', 'nobody:root'],
    injection: ['${HOME}', '$(id)', '`id`', "'; kill 1 #", '|| reboot', 'a=b', 'key=', '=value', 'privileged=true', 'label=disable', 'apparmor=unconfined', 'seccomp=unconfined'],
    globs: ['SIGKILL', 'KILL', '9', '*', '**', '?', '[a-z]', '.*', '(a+)+$'],
  };
}

export function hostileStrings(ctx: CorpusContext): string[] {
  return Object.values(hostileCategories(ctx)).flat();
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  default?: unknown;
}

function compile(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern, 'u');
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

const typeOf = (schema: JsonSchema): string | undefined => (Array.isArray(schema.type) ? schema.type[0] : schema.type);

export class ValueGenerator {
  readonly strings: string[];
  private readonly categories: string[][];
  /**
   * `plausibleStrings`: real names for arguments not under attack; `hints`: the ones to prefer for an
   * argument of that name (a running container for `container`, the test image for `image`), so the
   * hostile value in the other argument gets past the lookups and reaches the policy and Docker.
   */
  constructor(private readonly rng: Rng, readonly ctx: CorpusContext, private readonly plausibleStrings: string[], private readonly hints: Record<string, string[]> = {}) {
    this.categories = Object.values(hostileCategories(ctx)).filter((c) => c.length);
    this.strings = this.categories.flat();
  }

  /** A hostile value for `schema`: usually one the schema accepts (so it reaches the handler), sometimes not. */
  hostile(schema: JsonSchema, depth = 0): unknown {
    const rng = this.rng;
    if (rng.chance(0.04)) return rng.pick<unknown>([null, nested(200), nested(40), {}, [], 'x'.repeat(100_000), -1, 2 ** 53, Number.MAX_VALUE, JSON.parse('{"__proto__":{"polluted":1}}'), ['a', 1, null]]);
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches?.length) return this.hostile(rng.pick(branches), depth);
    if (schema.enum?.length) return rng.chance(0.5) ? rng.pick(schema.enum) : this.hostileString(undefined);
    switch (typeOf(schema)) {
      case 'string': return this.hostileString(schema);
      case 'integer':
      case 'number': return this.hostileNumber(schema);
      case 'boolean': return rng.chance(0.85) ? rng.chance(0.5) : rng.pick<unknown>(['true', 1, 0, 'false']);
      case 'array': return this.hostileArray(schema, depth);
      case 'object': return this.hostileObject(schema, depth);
      default: return rng.chance(0.5) ? this.hostileString(undefined) : this.hostileNumber({});
    }
  }

  private hostileString(schema: JsonSchema | undefined): string {
    const re = compile(schema?.pattern);
    const fits = (s: string): boolean =>
      (!re || re.test(s)) && s.length >= (schema?.minLength ?? 0) && s.length <= (schema?.maxLength ?? Infinity);
    // Two in three try to get past validation: those are the ones that can reach Docker.
    if (schema && this.rng.chance(0.66)) {
      const passing = this.categories.map((c) => c.filter(fits)).filter((c) => c.length);
      if (passing.length) return this.rng.pick(this.rng.pick(passing));
    }
    const base = this.rng.pick(this.rng.pick(this.categories));
    return this.rng.chance(0.15) ? this.mutate(base) : base;
  }

  private mutate(s: string): string {
    const tricks = [
      (x: string) => encode(x),
      (x: string) => encode(encode(x)),
      (x: string) => `${x}/`,
      (x: string) => `${x}//${x}`,
      (x: string) => `../${x}`,
      (x: string) => `${x}/..`,
      (x: string) => x.split('').join('\u200b'),
      (x: string) => `${x}?x=1`,
      (x: string) => `${x}%00`,
    ];
    return this.rng.pick(tricks)(s);
  }

  private hostileNumber(schema: JsonSchema): unknown {
    const min = schema.minimum ?? schema.exclusiveMinimum;
    const max = schema.maximum ?? schema.exclusiveMaximum;
    const candidates: unknown[] = [-1, 0, 1, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e308, 0.5, -0.0001, 'NaN', '1e999', '12', null];
    if (min !== undefined) candidates.push(min, min - 1);
    if (max !== undefined) candidates.push(max, max + 1);
    return this.rng.pick(candidates);
  }

  private hostileArray(schema: JsonSchema, depth: number): unknown[] {
    const item = schema.items ?? {};
    const size = this.rng.pick([0, 1, 2, 3, (schema.maxItems ?? 16) + 1, 2000]);
    // A huge array repeats one value: cheap to build, as expensive for the server to judge.
    if (size > 100) {
      const one = this.hostile(item, depth + 1);
      return new Array(size).fill((JSON.stringify(one) ?? '').length > 500 ? this.plausible(item) : one);
    }
    return Array.from({ length: size }, () => (depth > 3 ? this.plausible(item) : this.hostile(item, depth + 1)));
  }

  private hostileObject(schema: JsonSchema, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const props = Object.entries(schema.properties ?? {});
    if (props.length) {
      // Fill plausibly, then make one (sometimes every) property hostile.
      for (const [key, sub] of props) if (schema.required?.includes(key) || this.rng.chance(0.3)) out[key] = this.plausible(sub, key);
      const targets = this.rng.chance(0.25) ? props : [this.rng.pick(props)];
      for (const [key, sub] of targets) out[key] = depth > 3 ? this.plausible(sub, key) : this.hostile(sub, depth + 1);
    } else {
      const valueSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
      const n = this.rng.pick([0, 1, 3, 300]);
      for (let i = 0; i < n; i++) out[this.hostileString(undefined).slice(0, 200) || `k${i}`] = this.hostile(valueSchema, depth + 1);
    }
    if (this.rng.chance(0.05)) out[this.rng.pick(['__proto__', 'constructor', 'Privileged', 'HostConfig', 'Binds'])] = this.rng.pick<unknown>([true, { Privileged: true }, ['/:/host']]);
    return out;
  }

  /** A value the schema accepts, drawn from the world's real names where the schema allows them. */
  plausible(schema: JsonSchema, key = ''): unknown {
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches?.length) return this.plausible(branches[0]!, key);
    if (schema.default !== undefined) return schema.default;
    if (schema.enum?.length) return schema.enum[0];
    if (schema.const !== undefined) return schema.const;
    switch (typeOf(schema)) {
      case 'string': {
        const re = compile(schema.pattern);
        const ok = (s: string) => (!re || re.test(s)) && s.length >= (schema.minLength ?? 0) && s.length <= (schema.maxLength ?? Infinity);
        const hinted = (this.hints[key] ?? []).filter(ok);
        if (hinted.length && this.rng.chance(0.7)) return this.rng.pick(hinted);
        const fits = this.plausibleStrings.filter(ok);
        return fits.length ? this.rng.pick(fits) : 'x'.repeat(Math.max(1, schema.minLength ?? 1));
      }
      case 'integer':
      case 'number': return Math.max(schema.minimum ?? 1, Math.min(1, schema.maximum ?? 1));
      case 'boolean': return false;
      case 'array': return Array.from({ length: Math.max(1, schema.minItems ?? 0) }, () => this.plausible(schema.items ?? {}, key));
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const k of schema.required ?? []) out[k] = this.plausible(schema.properties?.[k] ?? {}, k);
        return out;
      }
      default: return 'x';
    }
  }
}
