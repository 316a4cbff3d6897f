// variables.tf from the variables table: types, defaults, descriptions and `validation` blocks
// generated from the same declarative constraints the zod schema uses.
import type { VariableSpec } from '../../config/variables.js';
import { hclString, renderTf } from './hcl.js';
import { moduleHcl, moduleType } from './module-values.js';

export interface HclValidation {
  condition: string;
  message: string;
}

/** The HCL conditions mirroring valueSchema() in src/config/schema.ts. */
export function hclValidations(spec: VariableSpec): HclValidation[] {
  const v = `var.${spec.name}`;
  const out: HclValidation[] = [];
  const re = (pattern: string, subject: string): string => `can(regex(${hclString(pattern)}, ${subject}))`;
  const hint = spec.patternHint ?? 'valid';
  if (spec.choices) {
    const list = spec.choices.map((c) => (typeof c === 'number' ? String(c) : hclString(c))).join(', ');
    out.push({ condition: `contains([${list}], ${v})`, message: `The ${spec.name} must be one of ${spec.choices.join(', ')}.` });
  }
  if (spec.type === 'number') {
    if (spec.integer) out.push({ condition: `floor(${v}) == ${v}`, message: `The ${spec.name} must be a whole number.` });
    if (spec.min !== undefined && spec.max !== undefined && !spec.choices) {
      out.push({ condition: `${v} >= ${spec.min} && ${v} <= ${spec.max}`, message: `The ${spec.name} must be between ${spec.min} and ${spec.max}.` });
    }
  }
  if (spec.type === 'string' && spec.pattern && !spec.choices) {
    const check = re(spec.pattern, v);
    out.push({ condition: spec.allowEmpty ? `${v} == "" || ${check}` : check, message: `The ${spec.name} must be ${hint}.` });
  }
  if (spec.type === 'string' && spec.maxLength !== undefined) {
    out.push({ condition: `length(${v}) <= ${spec.maxLength}`, message: `The ${spec.name} must be at most ${spec.maxLength} characters.` });
  }
  if (spec.type === 'list(string)' && spec.pattern && !spec.structured) {
    out.push({ condition: `alltrue([for x in ${v} : ${re(spec.pattern, 'x')}])`, message: `Every ${spec.name} item must be one of: ${hint}.` });
  }
  if (spec.structured?.validations) out.push(...spec.structured.validations(v, hclString));
  if (spec.type === 'map(string)' && spec.pattern && spec.keyPattern) {
    out.push({
      condition: `alltrue([for k, x in ${v} : ${re(spec.keyPattern, 'k')} && ${re(spec.pattern, 'x')}])`,
      message: `Every ${spec.name} entry must be a valid label key and value.`,
    });
  } else if (spec.type === 'map(string)' && spec.keyPattern) {
    // Keys only (pod_annotations: any value, but the key must be a qualified name).
    out.push({ condition: `alltrue([for k in keys(${v}) : ${re(spec.keyPattern, 'k')}])`, message: `Every ${spec.name} key must be a valid key like example.com/name.` });
  }
  return out;
}

const TEMPLATE = `# Rendered by docker-mcp {{version}} from its variables table; see README.md.
{{#each variables}}

variable "{{name}}" {
  description = {{str description}}
  type        = {{type}}
  default     = {{{default}}}
{{#each validations}}

  validation {
    condition     = {{{condition}}}
    error_message = {{str message}}
  }
{{/each}}
}
{{/each}}
`;

export function renderVariablesTf(
  table: readonly VariableSpec[],
  version: string,
  withValidation: boolean | ((spec: VariableSpec) => boolean),
): string {
  const validated = typeof withValidation === 'function' ? withValidation : () => withValidation;
  const variables = table.map((spec) => ({
    name: spec.name,
    description: spec.description,
    type: moduleType(spec),
    default: moduleHcl(spec, spec.default, '  '),
    validations: validated(spec) ? hclValidations(spec) : [],
  }));
  return renderTf(TEMPLATE, { version, variables });
}
