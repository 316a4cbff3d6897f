// Answers as the Terraform module sees them. Most variables pass through unchanged; a structured
// list (VariableSpec.structured) is a list of compact strings to the CLI and a list of objects to
// the module, translated here and nowhere else (variables.tf defaults, terraform.tfvars, the
// module call in an existing repo, and the parity test's evaluation all read it).
import type { ModuleItem, VarValue, VariableSpec } from '../../config/variables.js';
import { alignHcl, hclKey, hclString, hclValue } from './hcl.js';

export type ModuleValue = VarValue | ModuleItem[];

export function moduleValue(spec: VariableSpec, value: VarValue): ModuleValue {
  if (!spec.structured || !Array.isArray(value)) return value;
  const { parse } = spec.structured;
  return value.map((raw) => {
    const parsed = parse(raw);
    // Values reach a renderer only after validateConfig(), which runs the same parse.
    if ('problem' in parsed) throw new Error(`${spec.name}: ${parsed.problem}`);
    return parsed.item;
  });
}

/** Module items as HCL objects; unset (null) attributes are left out, as `optional()` fills them. */
function itemsHcl(items: ModuleItem[], indent: string): string {
  if (!items.length) return '[]';
  const body = items.map((item) => {
    const attributes = Object.entries(item)
      .filter((entry): entry is [string, string | string[] | Record<string, string>] => entry[1] !== null)
      // A map attribute (pod labels) goes multi-line, one indent deeper, as terraform fmt writes it.
      .map(([k, v]) => `${indent}    ${hclKey(k)} = ${typeof v === 'string' ? hclString(v) : hclValue(v, `${indent}    `)}`);
    return `${indent}  {\n${attributes.join('\n')}\n${indent}  },`;
  });
  return alignHcl(`[\n${body.join('\n')}\n${indent}]`);
}

/** One answer as an HCL literal of the module variable's type. */
export function moduleHcl(spec: VariableSpec, value: VarValue, indent = ''): string {
  const v = moduleValue(spec, value);
  return spec.structured && Array.isArray(v) ? itemsHcl(v as ModuleItem[], indent) : hclValue(v as VarValue, indent);
}

/** The module variable's HCL type. */
export const moduleType = (spec: VariableSpec): string => spec.structured?.hclType ?? spec.type;
