// HCL text helpers: explicit quoting for every value we render into a .tf file (answers are
// validated, but quoting is the second line of defence), and the `=` alignment terraform fmt wants.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
// The runtime alone (no parser, compiler or source-map): init's 400 ms budget. Templates arrive
// precompiled from precompiled.ts; the full compiler is loaded only for one that is not there.
import RuntimeModule from 'handlebars/runtime.js';
import type { VarValue } from '../../config/variables.js';
import { hclString } from '../hcl-string.js';
import { precompiled } from './precompiled.js';

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

// runtime.js re-exports the runtime's default export; its .d.ts does not say so.
const Runtime = RuntimeModule as unknown as typeof Handlebars;

function withHelpers(instance: typeof Handlebars): typeof Handlebars {
  instance.registerHelper('hcl', (value: VarValue) => hclValue(value));
  instance.registerHelper('str', (value: string) => hclString(value));
  instance.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  return instance;
}

let env: typeof Handlebars | undefined;
/** A private Handlebars runtime with the HCL helpers; no HTML escaping. */
const hbs = (): typeof Handlebars => (env ??= withHelpers(Runtime.create()));

/** Strict mode (a missing key throws) and no escaping, for precompiling and compiling alike. */
export const COMPILE_OPTIONS = { strict: true, noEscape: true } as const;
export const templateKey = (template: string): string => createHash('sha256').update(template).digest('hex').slice(0, 16);

const cache = new Map<string, HandlebarsTemplateDelegate>();
/** Every template rendered in this process, so a test can check precompiled.ts covers them. */
export const seenTemplates = new Set<string>();

function compile(template: string): HandlebarsTemplateDelegate {
  const spec = precompiled[templateKey(template)];
  if (spec) return hbs().template(spec);
  // A template changed since precompiled.ts was generated: correct output, just slower.
  const full = createRequire(import.meta.url)('handlebars') as typeof Handlebars;
  return withHelpers(full.create()).compile(template, COMPILE_OPTIONS);
}

export function renderTf(template: string, view: object): string {
  seenTemplates.add(template);
  let compiled = cache.get(template);
  if (!compiled) {
    compiled = compile(template);
    cache.set(template, compiled);
  }
  return alignHcl(compiled(view)).replace(/\n{3,}/g, '\n\n').replace(/\s*$/, '\n');
}
