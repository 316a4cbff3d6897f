// Resolves gateway settings: flag > env > config file > default, validated by the settings table.
// All problems are reported at once with where each bad value came from.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../shared/errors.js';
import { unreadableReason, yamlProblem } from '../config/file-errors.js';
import { suggest } from '../config/suggest.js';
import { envName, flagName, settingsTable, type SettingSpec } from '../contract/settings.js';

type Table = (typeof settingsTable)[number];
type SpecFor<K extends Table['key']> = Extract<Table, { key: K }>;
type ValueOf<S> = S extends { schema: infer Z extends z.ZodType } ? z.output<Z> : never;
type HasDefault<S> = S extends { default: string } ? true : false;

export type GatewayConfig = {
  [K in Table['key']]: HasDefault<SpecFor<K>> extends true ? ValueOf<SpecFor<K>> : ValueOf<SpecFor<K>> | undefined;
};

export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export interface ResolveInput {
  /** Commander's parsed options, keyed by camelCase or snake_case. */
  flags?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Overrides the `config` setting (mainly for tests). */
  configFile?: string;
}

export interface ResolvedConfig {
  config: GatewayConfig;
  sources: Record<string, SettingSource>;
}

const specs = settingsTable as readonly SettingSpec[];
const byKey = new Map(specs.map((s) => [s.key, s]));
const expectedBoolean = 'expected true or false';
const expectedList = 'expected a list of strings or one comma-separated string';

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `metrics-port` / `metricsPort` -> `metrics_port`, to point at the key that was probably meant. */
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toLowerCase();
}

function readConfigFile(path: string, givenBy: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // "is a directory" / "cannot be read (permission denied)", not Node's "EISDIR: illegal operation…".
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : unreadableReason(error) ?? (error as Error).message;
    throw new UsageError(`Cannot read config file ${path} (given by ${givenBy}): ${reason}`);
  }
  let parsed: unknown;
  try {
    // logLevel error: yaml's warnings go to process.emitWarning, which prints the offending source line.
    parsed = parseYaml(text, { logLevel: 'error' });
  } catch (error) {
    // JSON is YAML, so one parser reads both. Only the message's first line (what and where) is kept:
    // the code frame below it quotes the file, and the file may hold auth_tokens.
    throw new UsageError(`Config file ${path} is not valid YAML/JSON: ${yamlProblem(error)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`Config file ${path} must be a mapping of setting names to values.`);
  }
  return parsed as Record<string, unknown>;
}

/** The keys a config file may hold: what a typo there is compared with. */
const fileKeys = specs.filter((s) => !s.cliOnly).map((s) => s.key);

function fileKeyProblems(path: string, file: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(file)) {
    const spec = byKey.get(key);
    if (spec?.cliOnly) {
      // Silently ignoring `stdio: true` would leave the user wondering why HTTP started.
      problems.push(`${path}: "${key}" cannot be set in a config file; use ${flagName(key)} or ${envName(key)}`);
    } else if (!spec) {
      // A spelling of a real key (metrics-port, metricsPort), else a typo of one (prot): the same
      // "did you mean" init gives for docker-mcp.yaml keys.
      const meant = byKey.get(snake(key)) ?? byKey.get(suggest(key, fileKeys) ?? '');
      problems.push(`${path}: unknown setting "${key}"${meant && !meant.cliOnly ? ` (did you mean "${meant.key}"?)` : ''}`);
    }
  }
  return problems;
}

// Flags and env are strings, but a config file carries typed values and the schemas coerce
// (`Number(true)` is 1), so a value of the wrong type is refused before coercion can hide it.
function wrongType(spec: SettingSpec, value: unknown): string | undefined {
  if (value === null) return 'the key has no value; remove it to use the default';
  switch (spec.kind) {
    case 'number':
      return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
        ? undefined
        : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' || typeof value === 'string' ? undefined : expectedBoolean;
    case 'list':
      return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        ? undefined
        : expectedList;
    default:
      return typeof value === 'string' ? undefined : 'expected a string';
  }
}

/**
 * A number's range in the words init uses ("must be at least 1"), not zod's "Too small: expected
 * number to be >=1", which reads like a type error.
 */
function rangeWords(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code !== 'too_small' && issue.code !== 'too_big') return undefined;
  if (issue.origin !== 'number' && issue.origin !== 'int') return undefined;
  if (issue.code === 'too_small') return issue.inclusive === false ? `must be more than ${String(issue.minimum)}` : `must be at least ${String(issue.minimum)}`;
  return issue.inclusive === false ? `must be less than ${String(issue.maximum)}` : `must be at most ${String(issue.maximum)}`;
}

/** zod's own words, except where they would say only "Invalid input" (unions) or a range. */
function reasonFor(spec: SettingSpec, error: z.ZodError): string {
  if (spec.kind === 'boolean') return expectedBoolean;
  if (spec.kind === 'list') return expectedList;
  return error.issues.map((i) => rangeWords(i) ?? i.message).join('; ');
}

function describeSource(spec: SettingSpec, source: SettingSource, envVar?: string, configPath?: string): string {
  switch (source) {
    case 'flag':
      return flagName(spec.key);
    case 'env':
      return envVar ?? envName(spec.key);
    case 'file':
      return `config key ${spec.key} in ${configPath ?? 'the config file'}`;
    default:
      return 'default';
  }
}

export function resolveGatewayConfig(input: ResolveInput = {}): ResolvedConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const flagConfig = flags.config as string | undefined;
  const configPath = input.configFile ?? flagConfig ?? env[envName('config')] ?? undefined;
  const givenBy = input.configFile === undefined && flagConfig === undefined ? envName('config') : flagName('config');
  const file = configPath ? readConfigFile(configPath, givenBy) : {};
  const problems = configPath ? fileKeyProblems(configPath, file) : [];

  const config: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const spec of specs) {
    let raw: unknown;
    let source: SettingSource = 'default';
    let envVar: string | undefined;
    const flagValue = flags[camel(spec.key)] ?? flags[spec.key];
    if (flagValue !== undefined) {
      raw = flagValue;
      source = 'flag';
    } else {
      for (const name of [envName(spec.key), ...(spec.envAliases ?? [])]) {
        const value = env[name];
        if (value !== undefined && value !== '') {
          raw = value;
          source = 'env';
          envVar = name;
          break;
        }
      }
      if (source === 'default' && !spec.cliOnly && file[spec.key] !== undefined) {
        raw = file[spec.key];
        source = 'file';
      }
      if (source === 'default') raw = spec.default;
    }
    sources[spec.key] = source;
    if (raw === undefined) {
      config[spec.key] = undefined;
      continue;
    }
    const shown = spec.secret ? '<redacted>' : JSON.stringify(raw);
    const from = describeSource(spec, source, envVar, configPath);
    const badType = wrongType(spec, raw);
    if (badType) {
      problems.push(`${spec.key}: ${badType} (got ${shown} from ${from})`);
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      config[spec.key] = result.data;
    } else {
      problems.push(`${spec.key}: ${reasonFor(spec, result.error)} (got ${shown} from ${from})`);
    }
  }
  if (!problems.length && config.enable_metrics === true && config.metrics_port === config.port) {
    // Otherwise the second listener fails with "already in use", which sends people looking for
    // another process instead of at their own two settings.
    problems.push(`metrics_port: must differ from port (both ${String(config.port)}); /metrics has a listener of its own`);
  }
  if (problems.length) throw new UsageError('Invalid gateway settings:', problems);
  return { config: config as GatewayConfig, sources };
}
