// Small pieces shared by the image, volume and network families: label and filter inputs (so
// Docker filter bodies are always built from validated fields), list limits and text tables.
import { z } from 'zod';
import type { ToolContext } from './define.js';
import { capList, type CappedList } from './output.js';

// Docker accepts almost anything as a label key; keep keys printable so they are safe to show.
const labelKey = z.string().min(1).max(256).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'label keys use letters, digits, . _ - /');

// The shared inputs are optional already: in zod 4 a description set before .optional() does
// not show on the optional wrapper, so callers must not wrap them again.
export const labelsInput = z
  .record(labelKey, z.string().max(4096))
  .optional()
  .describe('Labels to set, as {"key": "value"}. Keys use letters, digits, ".", "_", "-", "/".');

export const labelFilterInput = z
  .array(z.string().min(1).max(512).regex(/^[^\s=]+(=.*)?$/, 'use "key" or "key=value"'))
  .max(20)
  .optional()
  .describe('Only objects carrying these labels: "key" (any value) or "key=value"; all must match.');

export const limitInput = z
  .number()
  .int()
  .min(1)
  .max(1000)
  .optional()
  .describe('Maximum number of entries to return; the result says when more exist (default: the gateway list limit).');

/** A prune's limit shortens only the list of what it removed, never the removal itself. */
export const pruneLimitInput = limitInput.describe(
  'Most removed items to list in the result; everything that matched is removed regardless, and the result says how many (default: the gateway list limit).',
);

export const pruneMeta = {
  deleted_total: z.number().int().describe('How many were removed; "deleted" lists at most "limit" of them.'),
  truncated: z.boolean().describe('True when the list was shortened by the limit (the removal was not).'),
};

export const listMeta = {
  total: z.number().int().describe('Entries that matched before the limit was applied.'),
  truncated: z.boolean().describe('True when entries were left out because of the limit.'),
};

/** Builds a Docker `filters` object from named, already validated fields; empty ones are dropped. */
export function dockerFilters(fields: Record<string, readonly string[] | string | boolean | undefined>): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const values = typeof value === 'boolean' ? [String(value)] : typeof value === 'string' ? [value] : [...value];
    if (values.length) filters[key] = values;
  }
  return filters;
}

export function applyLimit<T>(items: T[], limit: number | undefined, ctx: ToolContext): CappedList<T> {
  return capList(items, limit ?? ctx.limits.defaultListLimit);
}

export function shortId(id: string | undefined): string {
  return (id ?? '').replace(/^sha256:/, '').slice(0, 12);
}

export function isoDate(value: string | number | undefined): string {
  if (value === undefined || value === '') return '';
  // Docker reports image times as Unix seconds and volumes/networks as RFC 3339 strings.
  const date = typeof value === 'number' ? new Date(value * 1000) : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

/**
 * A plain-text table: columns padded to their widest cell. Cells are cut at 60 characters except
 * in the last column, which is where callers put the field people search for (tags, labels).
 */
export function textTable(headers: string[], rows: string[][]): string {
  const cut = (cell: string, i: number): string => (i < headers.length - 1 && cell.length > 60 ? `${cell.slice(0, 57)}...` : cell);
  const all = [headers, ...rows.map((row) => row.map(cut))];
  const widths = headers.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  return all.map((row) => row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatLabels(labels: Record<string, string> | null | undefined): string {
  return Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
