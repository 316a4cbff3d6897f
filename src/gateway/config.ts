// Resolves gateway settings: flag > env > config file > default, validated by the settings table.
// All problems are reported at once with where each bad value came from.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../cli/errors.js';
import { envName, flagName, settingsTable, type SettingSpec } from './settings-table.js';

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

function camel(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read config file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new UsageError(`Config file ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`Config file ${path} must be a mapping of setting names to values.`);
  }
  return parsed as Record<string, unknown>;
}

function describeSource(spec: SettingSpec, source: SettingSource, envVar?: string): string {
  switch (source) {
    case 'flag':
      return flagName(spec.key);
    case 'env':
      return envVar ?? envName(spec.key);
    case 'file':
      return `config key ${spec.key}`;
    default:
      return 'default';
  }
}

export function resolveGatewayConfig(input: ResolveInput = {}): ResolvedConfig {
  const flags = input.flags ?? {};
  const env = input.env ?? process.env;
  const configPath =
    input.configFile ?? (flags.config as string | undefined) ?? env[envName('config')] ?? undefined;
  const file = configPath ? readConfigFile(configPath) : {};

  const known = new Set<string>(settingsTable.map((s) => s.key));
  const problems: string[] = [];
  for (const key of Object.keys(file)) {
    if (!known.has(key)) problems.push(`${configPath}: unknown setting "${key}"`);
  }

  const config: Record<string, unknown> = {};
  const sources: Record<string, SettingSource> = {};
  for (const spec of settingsTable as readonly SettingSpec[]) {
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
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      config[spec.key] = result.data;
    } else {
      const shown = spec.secret ? '<redacted>' : JSON.stringify(raw);
      const reason = result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${spec.key}: ${reason} (got ${shown} from ${describeSource(spec, source, envVar)})`);
    }
  }
  if (problems.length) throw new UsageError('Invalid gateway settings:', problems);
  return { config: config as GatewayConfig, sources };
}
