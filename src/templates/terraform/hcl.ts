// HCL text helpers: explicit quoting for every value we render into a .tf file (answers are
// validated, but quoting is the second line of defence), and the `=` alignment terraform fmt wants.
import Handlebars from 'handlebars';
import type { VarValue } from '../../config/variables.js';
import { hclString } from '../hcl-string.js';

export { hclString };

const BARE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const hclKey = (key: string): string => (BARE_KEY.test(key) ? key : hclString(key));

/** Any answer as an HCL literal. Maps go multi-line (terraform fmt aligns them; see alignHcl). */
export function hclValue(value: VarValue, indent = ''): string {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => hclString(v)).join(', ')}]`;
  const entries = Object.entries(value);
  if (!entries.length) return '{}';
  const inner = entries.map(([k, v]) => `${indent}  ${hclKey(k)} = ${hclString(v)}`).join('\n');
  return `{\n${inner}\n${indent}}`;
}

const ATTRIBUTE = /^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"[^"]*")\s*=\s(.*)$/;
const OPENS = /[{[(]$/;

/**
 * terraform fmt aligns the `=` of consecutive single-line attributes at one indent; a blank line,
 * a comment, a block or a multi-line value ends the group. Templates stay readable unaligned.
 */
export function alignHcl(text: string): string {
  const lines = text.split('\n');
  let group: { index: number; indent: string; key: string; rest: string }[] = [];
  const flush = (): void => {
    const width = Math.max(0, ...group.map((g) => g.key.length));
    for (const g of group) lines[g.index] = `${g.indent}${g.key.padEnd(width)} = ${g.rest}`;
    group = [];
  };
  lines.forEach((line, index) => {
    const m = ATTRIBUTE.exec(line);
    const [, indent = '', key = '', rest = ''] = m ?? [];
    const single = m !== null && !OPENS.test(rest.trimEnd()) && !rest.startsWith('<<');
    if (m && (group.length === 0 || group[0]!.indent === indent)) {
      if (single) group.push({ index, indent, key, rest });
      else {
        flush();
        lines[index] = `${indent}${key} = ${rest}`;
      }
      return;
    }
    flush();
    if (m && single) group.push({ index, indent, key, rest });
    else if (m) lines[index] = `${indent}${key} = ${rest}`;
  });
  flush();
  return lines.join('\n');
}

let env: typeof Handlebars | undefined;

/** A private Handlebars with strict mode (missing keys throw) and HCL helpers; no HTML escaping. */
export function hbs(): typeof Handlebars {
  if (env) return env;
  env = Handlebars.create();
  env.registerHelper('hcl', (value: VarValue) => hclValue(value));
  env.registerHelper('str', (value: string) => hclString(value));
  env.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return env;
}

const cache = new Map<string, HandlebarsTemplateDelegate>();

export function renderTf(template: string, view: object): string {
  let compiled = cache.get(template);
  if (!compiled) {
    compiled = hbs().compile(template, { strict: true, noEscape: true });
    cache.set(template, compiled);
  }
  return alignHcl(compiled(view)).replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');
}
