// Reading Docker request bodies the way the daemon reads them. Go's encoding/json matches struct
// fields case-insensitively with Unicode simple folding (so "ſ" U+017F matches "s" and the Kelvin
// sign U+212A matches "k"), and when several keys map to one field the last one wins. A check that
// reads `Privileged` while Docker obeys `privileged` is worthless, so: every struct-like object in a
// body is refused if two of its keys fold to the same name, and fields are looked up by folded name.
// Map-typed fields (labels, options, sysctls…) have case-sensitive keys in Go and are exempt.

/** A policy denial: which rule, why, and how an operator could allow it. */
export class PolicyDenial extends Error {
  constructor(
    readonly rule: string,
    readonly reason: string,
    readonly howToAllow: string,
  ) {
    super(`${reason} (rule ${rule})`);
    this.name = 'PolicyDenial';
  }
}

export type Body = Record<string, unknown>;

export function fold(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's').replace(/\u212a/g, 'k');
}

/** Fields whose value is a Go map: their keys are data, compared case-sensitively by Docker. */
const MAP_FIELDS = new Set(
  [
    'Labels', 'Volumes', 'ExposedPorts', 'PortBindings', 'Sysctls', 'StorageOpt', 'Tmpfs', 'Config',
    'DriverOpts', 'Options', 'EndpointsConfig', 'Annotations', 'BuildArgs',
  ].map(fold),
);

export function isPlainObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const MAX_DEPTH = 32;

/** Throws a PolicyDenial naming the first field that appears under two spellings. */
export function assertNoCaseDuplicates(value: unknown, path = '', depth = 0, isMap = false): void {
  if (depth > MAX_DEPTH) throw new PolicyDenial('malformed-body', `Request body is nested too deeply at ${path || '(root)'}.`, 'Send a simpler body.');
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertNoCaseDuplicates(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (!isPlainObject(value)) return;
  const seen = new Map<string, string>();
  for (const [key, child] of Object.entries(value)) {
    const folded = fold(key);
    if (!isMap) {
      const other = seen.get(folded);
      if (other !== undefined) {
        throw new PolicyDenial(
          'duplicate-field',
          `Field ${path ? `${path}.` : ''}${key} is given twice (also as "${other}"); Docker would obey whichever comes last.`,
          'Send each field once, spelled as in the Docker Engine API.',
        );
      }
      seen.set(folded, key);
    }
    assertNoCaseDuplicates(child, path ? `${path}.${key}` : key, depth + 1, !isMap && MAP_FIELDS.has(folded));
  }
}

/** The value of `name` in `obj`, matched like Docker matches it (after assertNoCaseDuplicates). */
export function field(obj: unknown, name: string): unknown {
  if (!isPlainObject(obj)) return undefined;
  const wanted = fold(name);
  for (const [key, value] of Object.entries(obj)) {
    if (fold(key) === wanted) return value;
  }
  return undefined;
}

/** A nested struct; refuses a present value of the wrong type rather than guessing Docker's reading. */
export function struct(obj: unknown, name: string, path: string): Body | undefined {
  const value = field(obj, name);
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw malformed(`${path}.${name}`, 'an object');
  return value;
}

export function list(obj: unknown, name: string, path: string): unknown[] {
  const value = field(obj, name);
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw malformed(`${path}.${name}`, 'a list');
  return value;
}

export function text(obj: unknown, name: string, path: string): string | undefined {
  const value = field(obj, name);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw malformed(`${path}.${name}`, 'a string');
  return value;
}

/** Anything but absent/null/false counts as set: "true", 1 and {} must not sneak past a `=== true`. */
export function isSet(obj: unknown, name: string): boolean {
  const value = field(obj, name);
  return value !== undefined && value !== null && value !== false;
}

/** A non-empty list or map. */
export function nonEmpty(obj: unknown, name: string): boolean {
  const value = field(obj, name);
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== '' && value !== false;
}

function malformed(path: string, expected: string): PolicyDenial {
  return new PolicyDenial('malformed-body', `${path} must be ${expected}.`, 'Send the field with the type the Docker Engine API documents.');
}
