// Markdown tables generated from the variables table, for the module README and docs/installer.md
// (a test keeps the checked-in docs in sync).
import { envFor, flagFor, type VarValue, type VariableSpec } from './variables.js';

const code = (s: string): string => `\`${s}\``;
const cell = (s: string): string => s.replace(/\|/g, '\\|');

export function formatDefault(value: VarValue): string {
  if (typeof value === 'string') return code(JSON.stringify(value));
  if (Array.isArray(value)) return code(JSON.stringify(value));
  if (typeof value === 'object') return code(JSON.stringify(value));
  return code(String(value));
}

/** terraform-docs style Inputs table (the seed's columns). */
export function inputsTable(table: readonly VariableSpec[]): string {
  const rows = table.map(
    (s) => `| ${code(s.name)} | ${cell(s.description)} | ${code(s.structured?.hclType ?? s.type)} | ${formatDefault(s.default)} | no |`,
  );
  return ['| Name | Description | Type | Default | Required |', '|------|-------------|------|---------|:--------:|', ...rows].join('\n');
}

/** Installer reference: how to set each variable, and what it accepts. */
export function installerTable(table: readonly VariableSpec[]): string {
  const accepts = (s: VariableSpec): string => {
    if (s.choices) return s.choices.map((c) => code(String(c))).join(', ');
    const parts: string[] = [];
    if (s.type === 'number' && s.min !== undefined) parts.push(`${s.min}–${s.max}${s.integer ? ', whole' : ''}`);
    if (s.structured) parts.push(`a list of ${s.structured.syntax}`);
    if (s.patternHint) parts.push(s.patternHint);
    if (s.allowEmpty) parts.push('or empty');
    return parts.join('; ') || s.type;
  };
  const rows = table.map(
    (s) =>
      `| ${code(s.name)} | ${code(flagFor(s.name))} | ${code(envFor(s.name))} | ${s.group} | ${formatDefault(s.default)} | ${cell(accepts(s))} | ${cell(s.description)} |`,
  );
  return [
    '| Variable (docker-mcp.yaml key) | Flag | Env | Group | Default | Accepts | Description |',
    '|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
