// What an interactive init shows before it writes: the choices that differ from the defaults, each
// with where it came from, and the files that will change.
import type { Origin } from '../../config/sources.js';
import { envFor, flagFor, type VarValue, type VariableSpec } from '../../config/variables.js';

export function display(value: VarValue): string {
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return Object.entries(value).map(([k, x]) => `${k}=${x}`).join(', ');
  return String(value);
}

function from(name: string, origin: Origin | undefined, configPath: string | undefined): string {
  switch (origin) {
    case 'prompt': return 'prompt';
    case 'flag': return `flag ${flagFor(name)}`;
    case 'env': return `env ${envFor(name)}`;
    case 'config': return `file ${configPath ?? 'docker-mcp.yaml'}`;
    // Not given, yet not the default: init found it (the current kubectl context).
    default: return 'detected';
  }
}

/**
 * `  name  value  (origin)` for every value that differs from its default, and every one an answer
 * changed for the user (`also`: Access turning the tunnel on, even to its default, against a "no").
 */
export function choicesSummary(
  table: readonly VariableSpec[], values: Record<string, VarValue>, origins: Record<string, Origin>, configPath?: string, also: ReadonlySet<string> = new Set(),
): string {
  const rows = table
    .filter((s) => values[s.name] !== undefined && (also.has(s.name) || JSON.stringify(values[s.name]) !== JSON.stringify(s.default)))
    .map((s) => [s.name, display(values[s.name]!) || '""', `(${from(s.name, origins[s.name], configPath)})`]);
  if (!rows.length) return 'Your choices: all defaults';
  const width = Math.max(...rows.map((r) => r[0]!.length));
  return `Your choices (the values that differ from the defaults):\n${rows.map(([n, v, o]) => `  ${n!.padEnd(width)}  ${v}  ${o}`).join('\n')}`;
}

/** `  create  path` for every file that will change. */
export function filesSummary(dir: string, changes: readonly { path: string; action: string }[]): string {
  const pending = changes.filter((c) => c.action !== 'unchanged');
  return `Files in ${dir}:\n${pending.map((c) => `  ${c.action.padEnd(7)} ${c.path}`).join('\n')}`;
}

/** Declining the confirmation: nothing written, like --dry-run (exit 3); the answers stay saved. */
export const DECLINED = 'nothing was written (declined); your answers are saved: run init again to resume them or go through them as defaults';
