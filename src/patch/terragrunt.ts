// Terragrunt (review 2 finding 14): a `terragrunt.hcl` unit deploys a module by `terraform { source }`
// and feeds it `inputs`; the module has no root of its own. Patching it like a Terraform root would
// put docker-mcp.tf inside a reusable module (deployed by every unit that sources it), and running
// on the unit directory found no .tf file at all. init does not edit Terragrunt configs: it refuses,
// naming the units, the module and its tunnel config, with a new unit for the gateway to paste.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Node } from 'web-tree-sitter';
import { parseHcl } from '../templates/hcl-parse.js';
import { lineOf } from './config-guards.js';
import { attributeValue, blockBody, bodyBlocks, findAttribute, isObject, isTuple, objectElemKey, objectElems, objectElemValue, staticString, unwrap } from './hcl-nodes.js';
import type { TfTunnelConfig } from './model.js';
import { listFiles } from './repo-scan.js';
import type { Snippet } from './types.js';

export interface TerragruntUnit {
  /** Absolute path of the terragrunt.hcl. */
  path: string;
  /** `terraform { source }` as written, and the local module directory it names. */
  source: string;
  moduleDir: string;
  sourceLine: number;
  /** `include "…" { … }` blocks, copied into the suggested unit so it inherits the same settings. */
  includes: string[];
  /**
   * Top-level keys of `inputs = { … }`: line, whether the value is a collection, and its values
   * when it is an object of plain strings (read here: the tree is freed after reading).
   */
  inputs: Map<string, { line: number; collection: boolean; strings: string[] | null }>;
}

function unitOf(path: string, body: Node | undefined): TerragruntUnit | null {
  const terraform = bodyBlocks(body, 'terraform')[0];
  const attr = terraform ? findAttribute(blockBody(terraform), 'source') : undefined;
  const source = attr ? staticString(attributeValue(attr)) : null;
  // Only local sources (`../modules//tunnel`; `//` separates the copied root from the module path).
  if (!attr || !source || !/^\.\.?\//.test(source)) return null;
  const inputs: TerragruntUnit['inputs'] = new Map();
  const inputsAttr = findAttribute(body, 'inputs');
  const obj = inputsAttr ? unwrap(attributeValue(inputsAttr)) : undefined;
  for (const elem of isObject(obj) ? objectElems(obj) : []) {
    const value = unwrap(objectElemValue(elem));
    const strings = isObject(value) ? objectElems(value).map((e) => staticString(unwrap(objectElemValue(e)))) : [];
    inputs.set(objectElemKey(elem), {
      line: lineOf(elem),
      collection: isObject(value) || isTuple(value),
      strings: strings.length && strings.every((x) => x !== null) ? strings : null,
    });
  }
  return {
    path,
    source,
    moduleDir: resolve(dirname(path), source.replace('//', '/')),
    sourceLine: lineOf(attr),
    includes: bodyBlocks(body, 'include').map((b) => b.text),
    inputs,
  };
}

/** The Terragrunt units under `dir` (and `dir`'s own) with a local module source. */
export async function terragruntUnits(dir: string): Promise<TerragruntUnit[]> {
  const out: TerragruntUnit[] = [];
  for (const path of listFiles(dir, ['terragrunt.hcl'])) {
    const parsed = await parseHcl(readFileSync(path, 'utf8'));
    try {
      const unit = unitOf(path, parsed.root.namedChildren.find((c) => c?.type === 'body') ?? undefined);
      if (unit) out.push(unit);
    } finally {
      parsed.tree.delete();
    }
  }
  return out;
}

const rel = (from: string, to: string): string => relative(from, to) || '.';

/** Variables the tunnel config's rules come from (`var.services`), to point at the unit's inputs. */
function ruleVariables(config: TfTunnelConfig): string[] {
  const text = config.source.kind === 'dynamic' ? config.source.collection : config.source.kind === 'expression' ? config.source.expression : '';
  return [...new Set([...text.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((m) => m[1]!))];
}

export function terragruntReason(repoDir: string, units: TerragruntUnit[], config: TfTunnelConfig, moduleDir: string): string {
  const using = units.map((u) => `${rel(repoDir, u.path)}:${u.sourceLine}`).join(', ');
  const vars = ruleVariables(config);
  const fed = units.flatMap((u) => vars.filter((v) => u.inputs.get(v)?.collection).map((v) => `inputs.${v} in ${rel(repoDir, u.path)}:${u.inputs.get(v)!.line}`));
  return (
    `Terragrunt: ${rel(repoDir, moduleDir)} is the module that Terragrunt units deploy (terraform { source } at ${using}), ` +
    `and its tunnel config is ${config.address}. init does not edit Terragrunt configs, and a docker-mcp.tf inside that shared ` +
    'module would be deployed by every unit that sources it. ' +
    (fed.length
      ? `Its rules come from Terragrunt inputs: add docker-mcp's entry, in the shape of the others, to ${fed.join(', ')}; `
      : 'Add the rule shown below to the module; ') +
    'deploy the gateway as a unit of its own (below).'
  );
}

export const TERRAGRUNT_UNIT_TITLE = 'A Terragrunt unit for the gateway';

/** The module call, turned into a unit next to the first one: same includes, the answers as inputs. */
export function terragruntUnitSnippet(repoDir: string, unit: TerragruntUnit, moduleCallHcl: string): Snippet {
  const lines = moduleCallHcl.split('\n');
  const open = lines.findIndex((l) => /^module\s+"/.test(l));
  const close = lines.lastIndexOf('}');
  const body = lines.slice(open + 1, close).filter((l) => !/^\s*source\s*=/.test(l));
  while (body[0]?.trim() === '') body.shift();
  const source = unit.source.replace(/[^/]+\/?$/, 'docker-mcp-gateway');
  const text = [...unit.includes.flatMap((i) => [i, '']), 'terraform {', `  source = "${source}"`, '}', '', 'inputs = {', ...body, '}', ''].join('\n');
  const where = `${rel(repoDir, resolve(dirname(unit.path), '..', 'docker-mcp', 'terragrunt.hcl'))}, a new unit next to ${rel(repoDir, unit.path)}`;
  const modules = rel(repoDir, resolve(unit.moduleDir, '..', 'docker-mcp-gateway'));
  return {
    title: `${TERRAGRUNT_UNIT_TITLE} (render the module with \`docker-mcp init --output-dir <dir>\` and the same answers, copy <dir>/terraform/modules/docker-mcp-gateway to ${modules}; the unit needs a kubernetes provider, e.g. a \`generate "provider"\` block like your other units')`,
    where,
    language: 'hcl',
    text,
  };
}

/**
 * When the rules come from a unit's `inputs.<var>` map of plain strings (name = service URL), the
 * entry in that shape. The key becomes part of the hostname in the module, which init cannot
 * prove from here: the title says so.
 */
export function terragruntInputSnippet(repoDir: string, units: TerragruntUnit[], config: TfTunnelConfig, label: string, serviceUrl: string, hostname: string): Snippet | null {
  for (const unit of units) {
    for (const v of ruleVariables(config)) {
      const input = unit.inputs.get(v);
      if (!input?.strings) continue;
      return {
        title: `Entry for inputs.${v} (a map of name = service URL); check that the module makes ${hostname} of the key ${label}`,
        where: `${rel(repoDir, unit.path)}:${input.line}, inside inputs.${v}`,
        language: 'hcl',
        text: `${/^[A-Za-z_][\w]*$/.test(label) ? label : JSON.stringify(label)} = ${JSON.stringify(serviceUrl)}\n`,
      };
    }
  }
  return null;
}
