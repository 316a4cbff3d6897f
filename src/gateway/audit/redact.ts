// Secrets never reach a log line. Two layers: pino `redact` paths for well-known places
// (request headers, registry auth) that the core logger uses, and a deep redaction of tool
// arguments for the audit log, which catches secrets by key name (password, token, auth…; the
// rule covers every one of those paths), by `KEY=value` env entries with secret-looking keys, and
// by value shape (JWTs, `Bearer …`, well-known token prefixes, private keys).

export const REDACTED = '[REDACTED]';

const HEADER_PATHS = ['authorization', 'cookie', 'set-cookie', 'cf-access-jwt-assertion', 'cf-access-client-secret', 'cf-access-client-id', 'x-registry-auth', 'x-registry-config', 'proxy-authorization'];

/** pino redact paths for the core logger (observability/log.ts). */
export const logRedactPaths: string[] = [
  ...HEADER_PATHS.flatMap((h) => [`req.headers["${h}"]`, `headers["${h}"]`, `request.headers["${h}"]`, `res.headers["${h}"]`]),
  'authorization', 'token', 'password', 'secret', 'authconfig', 'registryAuth', 'auth',
  '*.authorization', '*.token', '*.password', '*.secret', '*.authconfig', '*.registryAuth', '*.auth',
  '*.identitytoken', '*.IdentityToken', '*.Password', '*.Auth', '*.authConfig',
];

const SECRET_KEY = /(pass(word|wd|phrase)?|secret|token|auth|credential|api[-_]?key|private[-_]?key|session|cookie|jwt|bearer|signature|access[-_]?key|access[-_]?client|registry[-_]?config)/i;

/** Whether a value under this key is withheld from the audit log; covers every logRedactPaths key. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const SECRET_VALUE = [
  /^eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*$/, // JWT
  /^(Bearer|Basic)\s+\S+/i,
  /^(gh[pousr]_|github_pat_|glpat-|xox[abpr]-|sk-|sk_live_|rk_live_|AKIA|ASIA|AIza|dckr_pat_)/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, // URL with user:password
];

export function looksSecret(value: string): boolean {
  return SECRET_VALUE.some((re) => re.test(value.trim()));
}

/** A `KEY=value` env entry with a secret-looking key or value keeps only the key. */
function redactEnvEntry(entry: string): string {
  const eq = entry.indexOf('=');
  if (eq <= 0) return looksSecret(entry) ? REDACTED : entry;
  const key = entry.slice(0, eq);
  const value = entry.slice(eq + 1);
  return isSecretKey(key) || looksSecret(value) ? `${key}=${REDACTED}` : entry;
}

/** Env entries as a tool shows them: a secret-looking key or value keeps only the key. */
export function redactEnv(entries: readonly string[]): string[] {
  return entries.map(redactEnvEntry);
}

/**
 * A command line as a tool shows it: the value after a secret-looking flag (`--token X`), a
 * `--token=X` or `KEY=X` with a secret-looking name, and secret-looking values are withheld.
 * (cloudflared, for one, is usually run as `tunnel run --token <tunnel credentials>`.)
 */
export function redactArgv(args: readonly string[]): string[] {
  return args.map((arg, i) => {
    const previous = i > 0 ? args[i - 1]! : '';
    if (/^--?[A-Za-z]/.test(previous) && !previous.includes('=') && isSecretKey(previous)) return REDACTED;
    return redactEnvEntry(arg);
  });
}

interface InspectSecrets {
  Args?: string[] | null;
  Config?: { Env?: string[] | null; Cmd?: string[] | string | null; Entrypoint?: string[] | string | null } | null;
}

/**
 * A copy of a container's inspect document without the secrets it usually carries: environment
 * values and command-line credentials. A read-only caller would otherwise read, say, the tunnel
 * token of the cloudflared container, and every tool result also goes to the AI model's provider.
 */
export function redactContainerSecrets<T extends InspectSecrets>(info: T): T {
  const argv = (value: string[] | string | null | undefined): string[] | string | null | undefined =>
    Array.isArray(value) ? redactArgv(value) : value;
  const config = info.Config
    ? { ...info.Config, Env: info.Config.Env ? redactEnv(info.Config.Env) : info.Config.Env, Cmd: argv(info.Config.Cmd), Entrypoint: argv(info.Config.Entrypoint) }
    : info.Config;
  return { ...info, Args: info.Args ? redactArgv(info.Args) : info.Args, Config: config };
}

const MAX_DEPTH = 12;
const MAX_STRING = 2048;

/**
 * A redacted copy of `value` for logging. Also bounds depth and string length so one hostile
 * argument cannot blow up the log.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) return '[…]';
  if (typeof value === 'string') {
    if (looksSecret(value)) return REDACTED;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) return redactEnvEntry(value);
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…(${value.length} chars)` : value;
  }
  if (Array.isArray(value)) return value.slice(0, 200).map((v) => redactSecrets(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key === '__proto__') continue;
      out[key] = isSecretKey(key) && child !== null && child !== undefined && child !== '' ? REDACTED : redactSecrets(child, depth + 1);
    }
    return out;
  }
  return value;
}
