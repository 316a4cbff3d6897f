// Where answers come from, highest first: flags > DOCKER_MCP_INIT_* env > docker-mcp.yaml > defaults.
// Prompts (interactive mode) start from the merged value as their default. Strings from flags and
// env are coerced by the variable's type here; the schema then checks constraints. Each value keeps
// its origin so a problem names what the user actually touched (originLabel).
import { suggest } from './suggest.js';
import { ENV_PREFIX, envFor, flagFor, legacyEnvFor, type VarValue, type VariableSpec } from './variables.js';

export type Origin = 'flag' | 'env' | 'config' | 'default' | 'prompt';

export interface Resolved {
  values: Record<string, VarValue>;
  origins: Record<string, Origin>;
  problems: string[];
  /** Not problems: e.g. serve's DOCKER_MCP_<NAME> set in the env, which init ignores. */
  warnings: string[];
  /** The answers file read, for naming its keys in messages. */
  configPath?: string;
}

/**
 * How a problem names a value: the flag, the env var, the answers file and key, or the prompt it was
 * typed at. A default is named by its flag, the usual way to change it.
 */
export function originLabel(spec: Pick<VariableSpec, 'name' | 'prompt'>, origin: Origin | undefined, configPath = 'docker-mcp.yaml'): string {
  switch (origin) {
    case 'env':
      return envFor(spec.name);
    case 'config':
      return `${configPath}: ${spec.name}`;
    case 'prompt':
      return `prompt "${spec.prompt}"`;
    default:
      return flagFor(spec.name);
  }
}

/** A namer for validateConfig: each variable by the origin its value came from. */
export function labeller(table: readonly VariableSpec[], origins: Record<string, Origin>, configPath?: string): (name: string) => string {
  const byName = new Map(table.map((s) => [s.name, s]));
  return (name) => {
    const spec = byName.get(name);
    return spec ? originLabel(spec, origins[name], configPath) : flagFor(name);
  };
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

/**
 * What a wrong value was, as the user wrote it: `port: [1]` is a list, which String() would show
 * as "1" and so hide the mistake.
 */
function gotWhat(raw: unknown): string {
  if (Array.isArray(raw)) return 'a list';
  if (raw !== null && typeof raw === 'object') return 'a mapping';
  if (raw === null || raw === undefined) return 'an empty value';
  return `"${typeof raw === 'string' ? raw : JSON.stringify(raw)}"`;
}

/** Coerces one raw input (string from flag/env, any from YAML) to the variable's type. */
export function coerce(spec: VariableSpec, raw: unknown): { value: VarValue } | { problem: string } {
  switch (spec.type) {
    case 'string':
      return typeof raw === 'string' || typeof raw === 'number' ? { value: String(raw) } : { problem: 'must be a string' };
    case 'number': {
      // Decimal digits only: Number() would also take 0o777, 0b11, 0x1f and 1e1, which nobody means as a port.
      // A decimal point only where the variable takes fractions.
      const decimal = typeof raw === 'string' && /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw.trim());
      const syntax = spec.integer ? /^[+-]?\d+$/ : /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && syntax.test(raw.trim()) ? Number(raw.trim()) : NaN;
      if (Number.isFinite(n)) return { value: n };
      // Say what is wrong with a number JavaScript would have read: the syntax, not "not a number".
      const js = typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw));
      if (!js) return { problem: `must be a number (got ${gotWhat(raw)})` };
      return { problem: decimal ? `must be a whole number (got ${gotWhat(raw)})` : `must be written in decimal digits, like 8080 (got ${gotWhat(raw)})` };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { value: raw };
      const s = String(raw).toLowerCase();
      if (TRUE.includes(s)) return { value: true };
      if (FALSE.includes(s)) return { value: false };
      return { problem: `must be true or false (got ${gotWhat(raw)})` };
    }
    case 'list(string)': {
      if (Array.isArray(raw)) return raw.every((x) => typeof x === 'string') ? { value: raw } : { problem: 'must be a list of strings' };
      if (typeof raw !== 'string') return { problem: 'must be a comma-separated list' };
      return { value: raw.split(',').map((s) => s.trim()).filter(Boolean) };
    }
    case 'map(string)': {
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
        const entries = Object.entries(raw as Record<string, unknown>);
        return entries.every(([, v]) => typeof v === 'string')
          ? { value: Object.fromEntries(entries) as Record<string, string> }
          : { problem: 'must map strings to strings' };
      }
      if (typeof raw !== 'string') return { problem: 'must be key=value pairs' };
      const map: Record<string, string> = {};
      for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) return { problem: `"${pair}" is not key=value` };
        map[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
      return { value: map };
    }
  }
}

export interface Inputs {
  /** Commander's camelCase options (only the ones the user gave). */
  flags: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  /** Parsed docker-mcp.yaml (top-level mapping), with its path for messages. */
  configFile?: { path: string; data: unknown };
}

export const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * init's options that are not variables (src/cli/commands/init.ts): they have no env var, and a
 * DOCKER_MCP_INIT_OUTPUT_DIR set in the hope that they do is named rather than silently ignored.
 */
export const FLAG_ONLY_OPTIONS: Readonly<Record<string, string>> = {
  output_dir: '-o/--output-dir', config: '-c/--config', target: '--target', format: '--format',
  single_file: '--single-file', yes: '-y/--yes', dry_run: '--dry-run', force: '--force', json: '--json',
  terraform_dir: '--terraform-dir', cloudflared_configmap: '--cloudflared-configmap',
};

/**
 * DOCKER_MCP_INIT_* names that are no variable: a typo (DOCKER_MCP_INIT_PROT) used to be ignored
 * without a word, while serve's DOCKER_MCP_PORT got a warning. Warned, not refused: the env is
 * shared with other tools and shells, and a stray name must not stop a render.
 */
function unknownEnvWarnings(table: readonly VariableSpec[], env: NodeJS.ProcessEnv): string[] {
  const known = new Map(table.map((s) => [envFor(s.name), s.name]));
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || known.has(name) || env[name] === undefined) continue;
    const key = name.slice(ENV_PREFIX.length).toLowerCase();
    const flag = FLAG_ONLY_OPTIONS[key];
    if (flag) {
      warnings.push(`${name} is ignored: ${flag} is a flag only (no env var)`);
      continue;
    }
    const near = suggest(key, known.values());
    warnings.push(`${name} is ignored: no such variable${near ? `; did you mean ${envFor(near)}?` : ''}`);
  }
  return warnings;
}

export function resolveInputs(table: readonly VariableSpec[], inputs: Inputs): Resolved {
  const values: Record<string, VarValue> = {};
  const origins: Record<string, Origin> = {};
  const problems: string[] = [];
  const warnings = unknownEnvWarnings(table, inputs.env);
  let fileData: Record<string, unknown> = {};
  if (inputs.configFile) {
    const { path, data } = inputs.configFile;
    if (data === null || data === undefined) fileData = {};
    else if (typeof data !== 'object' || Array.isArray(data)) problems.push(`${path}: must be a mapping of variable names to values`);
    else {
      fileData = data as Record<string, unknown>;
      const known = new Set(table.map((s) => s.name));
      for (const key of Object.keys(fileData)) {
        if (known.has(key)) continue;
        const near = suggest(key, known);
        problems.push(`${path}: unknown key "${key}"${near ? `; did you mean ${near}?` : ''}`);
      }
    }
  }
  for (const spec of table) {
    // Users of the old prefix (serve's): say it is ignored rather than silently rendering the default.
    const legacy = legacyEnvFor(spec.name);
    if (inputs.env[legacy] !== undefined && inputs.env[envFor(spec.name)] === undefined) {
      warnings.push(`${legacy} is ignored: init reads ${envFor(spec.name)} (DOCKER_MCP_* is serve's env)`);
    }
    const candidates: [Origin, unknown, string][] = [
      ['flag', inputs.flags[camel(spec.name)], flagFor(spec.name)],
      ['env', inputs.env[envFor(spec.name)], envFor(spec.name)],
      ['config', fileData[spec.name], `${inputs.configFile?.path ?? 'config'}: ${spec.name}`],
    ];
    const found = candidates.find(([, raw]) => raw !== undefined);
    if (!found) {
      values[spec.name] = structuredClone(spec.default);
      origins[spec.name] = 'default';
      continue;
    }
    const [origin, raw, where] = found;
    const result = coerce(spec, raw);
    if ('problem' in result) problems.push(`${where}: ${result.problem}`);
    else {
      values[spec.name] = result.value;
      origins[spec.name] = origin;
    }
  }
  return { values, origins, problems, warnings, ...(inputs.configFile ? { configPath: inputs.configFile.path } : {}) };
}
