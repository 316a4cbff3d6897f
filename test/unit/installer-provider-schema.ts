// A provider-schema check for rendered Terraform, the nearest thing to `terraform validate` without
// provider downloads: every resource/data block of a .tf file (real tree-sitter parse) is checked
// against extracts of the providers' real schemas (test/fixtures/provider-schemas/*.json, shaped like
// `terraform providers schema -json`; each names the provider tag and Go files it was read from).
// Checked: the type exists; every attribute exists and is settable (not computed-only); a block is
// written as a block and an attribute (also a plugin-framework nested attribute) as an attribute;
// `dynamic "x"` counts as block x; required attributes and blocks are present; max_items holds for
// literal blocks; literal object/tuple values of nested attributes recursively; provider blocks; and every reference
// `type.name.attr...` to a schema'd resource or data source names an attribute or block it has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { formatHclErrors, parseHcl } from '../../src/templates/hcl-parse.js';

export interface SchemaAttribute {
  type?: unknown;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  nested_type?: { attributes: Record<string, SchemaAttribute>; nesting_mode: 'single' | 'list' | 'set' | 'map' };
}
export interface SchemaBlock {
  attributes?: Record<string, SchemaAttribute>;
  block_types?: Record<string, SchemaBlockType>;
}
export interface SchemaBlockType {
  nesting_mode: 'single' | 'list' | 'set' | 'map';
  block: SchemaBlock;
  min_items?: number;
  max_items?: number;
}
interface ProviderSchema {
  provider?: { block: SchemaBlock };
  resource_schemas: Record<string, { block: SchemaBlock }>;
  data_source_schemas: Record<string, { block: SchemaBlock }>;
}
export interface SchemaFile {
  _source: { repo: string; tag: string; commit: string; files: string[] };
  provider_schemas: Record<string, ProviderSchema>;
}

export const SCHEMA_DIR = join('test', 'fixtures', 'provider-schemas');
export function loadSchema(file: string): SchemaFile {
  return JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as SchemaFile;
}

/** The extracts a rendered file is checked against: every provider's lowest version, both v5 ends. */
export function schemasFor(cloudflareMajor: 4 | 5): SchemaFile[][] {
  const k8s = loadSchema('kubernetes-2.25.0.json');
  const random = loadSchema('random-3.0.0.json');
  const cf = cloudflareMajor === 4 ? ['cloudflare-4.40.0.json'] : ['cloudflare-5.2.0.json', 'cloudflare-5.22.0.json'];
  return cf.map((f) => [k8s, random, loadSchema(f)]);
}

// Meta-arguments Terraform itself accepts in every resource/data block (lifecycle is a block).
const META_ATTRS = new Set(['count', 'for_each', 'depends_on', 'provider']);

const named = (n: Node | null | undefined): Node[] => (n?.namedChildren ?? []).filter((c): c is Node => c !== null);
const identifier = (n: Node): string => named(n)[0]!.text;
const labels = (block: Node): string[] => named(block).filter((c) => c.type === 'string_lit').map((c) => c.text.slice(1, -1));
const bodyOf = (block: Node): Node | null => named(block).find((c) => c.type === 'body') ?? null;
const settable = (a: SchemaAttribute): boolean => a.required === true || a.optional === true;

/** The literal object or tuple an expression is, else null (a reference or a function call: not checkable). */
function literal(expr: Node): { kind: 'object' | 'tuple'; node: Node } | null {
  const kids = named(expr);
  if (expr.type !== 'expression' || kids.length !== 1 || kids[0]!.type !== 'collection_value') return null;
  const inner = named(kids[0])[0]!;
  return inner.type === 'object' || inner.type === 'tuple' ? { kind: inner.type, node: inner } : null;
}

function objectKeys(obj: Node): { key: string; value: Node; at: Node }[] {
  return named(obj)
    .filter((e) => e.type === 'object_elem')
    .map((e) => {
      const key = e.childForFieldName('key')!;
      const text = key.text.replace(/^"(.*)"$/, '$1');
      return { key: text, value: e.childForFieldName('val')!, at: e };
    });
}

export class SchemaChecker {
  readonly problems: string[] = [];
  constructor(
    private readonly file: string,
    private readonly schemas: SchemaFile[],
  ) {}

  private lookup(kind: 'resource' | 'data', type: string): { block: SchemaBlock; from: string } | null {
    for (const s of this.schemas)
      for (const p of Object.values(s.provider_schemas)) {
        const hit = (kind === 'resource' ? p.resource_schemas : p.data_source_schemas)[type];
        if (hit) return { block: hit.block, from: `${s._source.repo.split('/').pop()}@${s._source.tag}` };
      }
    return null;
  }

  /** Does any loaded extract cover this type's provider (by its prefix)? Only then is a missing type an error. */
  private covered(type: string): boolean {
    const prefix = type.split('_')[0]!;
    return this.schemas.some((s) => Object.keys(s.provider_schemas).some((addr) => addr.endsWith(`/${prefix}`)));
  }

  private report(at: Node, path: string, message: string): void {
    this.problems.push(`${this.file}:${at.startPosition.row + 1} ${path}: ${message}`);
  }

  checkFileBody(root: Node): void {
    const body = named(root).find((n) => n.type === 'body');
    for (const block of named(body).filter((n) => n.type === 'block')) {
      const kind = identifier(block);
      if (kind === 'provider') this.checkProvider(block);
      if (kind !== 'resource' && kind !== 'data') continue;
      const [type, name] = labels(block);
      const path = `${kind === 'data' ? 'data.' : ''}${type}.${name}`;
      const schema = this.lookup(kind, type!);
      if (!schema) {
        if (this.covered(type!)) this.report(block, path, `no ${kind} type ${type} in the provider schema`);
        continue;
      }
      this.checkBody(bodyOf(block), schema.block, path, block, true);
    }
    this.checkReferences(root);
  }

  /** A provider configuration block, against the provider's own schema (`alias` is Terraform's). */
  private checkProvider(block: Node): void {
    const name = labels(block)[0]!;
    for (const s of this.schemas)
      for (const [addr, p] of Object.entries(s.provider_schemas))
        if (addr.endsWith(`/${name}`) && p.provider) {
          const body = bodyOf(block);
          const withoutAlias = { attributes: { alias: { type: 'string', optional: true }, ...p.provider.block.attributes }, block_types: p.provider.block.block_types };
          return this.checkBody(body, withoutAlias, `provider.${name}`, block, false);
        }
  }

  private checkBody(body: Node | null, schema: SchemaBlock, path: string, at: Node, top: boolean): void {
    const attrs = schema.attributes ?? {};
    const blocks = schema.block_types ?? {};
    const seenAttrs = new Set<string>();
    const blockCounts = new Map<string, { literal: number; dynamic: number }>();
    for (const child of named(body)) {
      if (child.type === 'attribute') {
        const name = identifier(child);
        seenAttrs.add(name);
        if (top && META_ATTRS.has(name)) continue;
        const a = attrs[name];
        if (!a) {
          this.report(child, `${path}.${name}`, blocks[name] ? 'is a block: write `' + name + ' { ... }`, not `' + name + ' = ...`' : 'no such attribute');
          continue;
        }
        if (!settable(a)) this.report(child, `${path}.${name}`, 'is computed only (read-only): it cannot be set');
        if (a.nested_type) this.checkNested(named(child)[1]!, a.nested_type, `${path}.${name}`);
        else this.checkShape(named(child)[1]!, a.type, `${path}.${name}`);
      } else if (child.type === 'block') {
        const kw = identifier(child);
        if (top && kw === 'lifecycle') continue;
        const isDynamic = kw === 'dynamic';
        const name = isDynamic ? labels(child)[0]! : kw;
        const bt = blocks[name];
        if (!bt) {
          this.report(child, `${path}.${name}`, attrs[name] ? 'is an attribute: write `' + name + ' = ...`, not a block' : 'no such block');
          continue;
        }
        const count = blockCounts.get(name) ?? { literal: 0, dynamic: 0 };
        if (isDynamic) {
          count.dynamic++;
          const content = named(bodyOf(child)).find((c) => c.type === 'block' && identifier(c) === 'content');
          if (!content) this.report(child, `${path}.${name}`, 'dynamic block without content');
          else this.checkBody(bodyOf(content), bt.block, `${path}.${name}`, content, false);
        } else {
          count.literal++;
          this.checkBody(bodyOf(child), bt.block, `${path}.${name}`, child, false);
        }
        blockCounts.set(name, count);
      }
    }
    for (const [name, a] of Object.entries(attrs))
      if (a.required && !seenAttrs.has(name)) this.report(at, `${path}.${name}`, 'required attribute missing');
    for (const [name, bt] of Object.entries(blocks)) {
      const c = blockCounts.get(name) ?? { literal: 0, dynamic: 0 };
      if ((bt.min_items ?? 0) > 0 && c.literal + c.dynamic === 0) this.report(at, `${path}.${name}`, 'required block missing');
      if (bt.max_items !== undefined && c.literal > bt.max_items)
        this.report(at, `${path}.${name}`, `${c.literal} blocks, at most ${bt.max_items} allowed`);
      if (bt.nesting_mode === 'single' && c.literal > 1) this.report(at, `${path}.${name}`, 'a single block, written more than once');
    }
  }

  private checkNested(expr: Node, nested: NonNullable<SchemaAttribute['nested_type']>, path: string): void {
    const lit = literal(expr);
    if (!lit) return; // a reference or call: its shape is Terraform's to check at plan time
    const objects: Node[] = [];
    if (nested.nesting_mode === 'single') {
      if (lit.kind !== 'object') return this.report(expr, path, 'is a single nested object: write `{ ... }`, not a list');
      objects.push(lit.node);
    } else if (nested.nesting_mode === 'list' || nested.nesting_mode === 'set') {
      if (lit.kind !== 'tuple') return this.report(expr, path, `is a ${nested.nesting_mode} of objects: write \`[{ ... }]\``);
      for (const el of named(lit.node)) {
        const o = literal(el);
        if (o?.kind === 'object') objects.push(o.node);
        else if (o) this.report(el, path, 'element is not an object');
      }
    } else return;
    objects.forEach((obj, i) => {
      const p = nested.nesting_mode === 'single' ? path : `${path}[${i}]`;
      const keys = objectKeys(obj);
      for (const { key, value, at } of keys) {
        const a = nested.attributes[key];
        if (!a) this.report(at, `${p}.${key}`, 'no such attribute');
        else if (!settable(a)) this.report(at, `${p}.${key}`, 'is computed only (read-only): it cannot be set');
        else if (a.nested_type) this.checkNested(value, a.nested_type, `${p}.${key}`);
        else this.checkShape(value, a.type, `${p}.${key}`);
      }
      const present = new Set(keys.map((k) => k.key));
      for (const [name, a] of Object.entries(nested.attributes))
        if (a.required && !present.has(name)) this.report(obj, `${p}.${name}`, 'required attribute missing');
    });
  }

  /**
   * A literal's shape against the attribute's type, where Terraform would not convert it: a scalar for
   * a list/set/map (`aud_tag = "x"`), or a list/object for a scalar. References and calls are skipped.
   */
  private checkShape(expr: Node, type: unknown, path: string): void {
    const kids = named(expr);
    if (expr.type !== 'expression' || kids.length !== 1) return;
    const kind = kids[0]!.type === 'collection_value' ? literal(expr)?.kind : kids[0]!.type === 'literal_value' || kids[0]!.type === 'template_expr' ? 'scalar' : null;
    if (!kind || (kind === 'scalar' && kids[0]!.text === 'null')) return;
    const want = Array.isArray(type) ? (type[0] === 'map' || type[0] === 'object' ? 'object' : 'tuple') : type === 'dynamic' ? null : 'scalar';
    if (want && kind !== want) this.report(expr, path, `is ${String(JSON.stringify(type))}: a ${kind === 'tuple' ? 'list' : kind} literal does not convert to it`);
  }

  /** `type.name[i].attr[j].sub`: attr must exist in the type's schema, and sub inside a block attr. */
  private checkReferences(root: Node): void {
    const visit = (n: Node): void => {
      const kids = named(n);
      if (n.type === 'expression' && kids[0]?.type === 'variable_expr') this.checkReference(kids);
      for (const k of kids) visit(k);
    };
    visit(root);
  }

  private checkReference(parts: Node[]): void {
    let root = parts[0]!.text;
    let rest = parts.slice(1);
    let kind: 'resource' | 'data' = 'resource';
    if (root === 'data') {
      kind = 'data';
      if (rest[0]?.type !== 'get_attr') return;
      root = identifier(rest[0]);
      rest = rest.slice(1);
    }
    const schema = this.lookup(kind, root);
    if (!schema) return; // var., local., module., iterators, functions' arguments
    const steps = rest.filter((p) => p.type === 'get_attr').map(identifier);
    const text = [kind === 'data' ? 'data' : '', root, ...steps].filter(Boolean).join('.');
    let block: SchemaBlock = schema.block;
    for (const step of steps.slice(1)) {
      const a = block.attributes?.[step];
      if (a) return; // an attribute: anything past it is inside its value
      const bt = block.block_types?.[step];
      if (!bt) return this.report(parts[0]!, text, `no attribute or block ${step} in ${root} (${schema.from})`);
      block = bt.block;
    }
  }
}

/** Problems of one rendered .tf file against one set of extracts (a parse error is a problem too). */
export async function checkTf(file: string, text: string, schemas: SchemaFile[]): Promise<string[]> {
  const { root, errors } = await parseHcl(text);
  if (errors.length) return [`${file}: HCL syntax errors\n${formatHclErrors(errors)}`];
  const checker = new SchemaChecker(file, schemas);
  checker.checkFileBody(root);
  return checker.problems;
}
