// Text for the rule the patcher inserts, already in `terraform fmt` layout (two-space indent,
// `=` aligned within runs of single-line attributes; a multi-line value ends the run), so a
// fmt-clean file stays fmt-clean after the edit.
import { hclString } from '../templates/hcl-string.js';
import { MANAGED_MARKER, type HclExpr, type PatchAccess } from './types.js';

export { hclString };

function exprText(value: string | HclExpr): string {
  return typeof value === 'string' ? hclString(value) : value.hcl;
}

/** The HCL values of one ingress rule, independent of provider version. */
export interface DesiredRule {
  hostname: string;
  service: string;
  access?: { required: string; teamName: string; audTag: string };
}

export function desiredAccess(access: PatchAccess | undefined): DesiredRule['access'] {
  if (!access) return undefined;
  return { required: 'true', teamName: exprText(access.teamName), audTag: `[${exprText(access.audTag)}]` };
}

export const markerComment = `# docker-mcp: ${MANAGED_MARKER} init; re-run it to change this rule`;

/** `a = 1` lines with `=` aligned, as terraform fmt does. */
export function alignedAttributes(pairs: [string, string][], indent: string, sep = ' = '): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}${sep}${v}`);
}

/** Body lines of `access { ... }` (v4) or `access = { ... }` (v5) contents. */
function accessLines(access: NonNullable<DesiredRule['access']>, indent: string): string[] {
  return alignedAttributes(
    [
      ['required', access.required],
      ['team_name', access.teamName],
      ['aud_tag', access.audTag],
    ],
    indent,
  );
}

/** `origin_request { access { … } }` (v4 blocks) or `origin_request = { access = { … } }` (v5). */
export function originRequestLines(access: NonNullable<DesiredRule['access']>, indent: string, v5: boolean): string[] {
  const open = v5 ? ' = {' : ' {';
  return [
    `${indent}origin_request${open}`,
    ...accessBlockLines(access, `${indent}  `, v5),
    `${indent}}`,
  ];
}

export function accessBlockLines(access: NonNullable<DesiredRule['access']>, indent: string, v5: boolean): string[] {
  return [`${indent}access${v5 ? ' = {' : ' {'}`, ...accessLines(access, `${indent}  `), `${indent}}`];
}

/** A whole rule: v4 `ingress_rule { … }` or a v5 object `{ … },`, starting at `indent`. */
export function renderRule(rule: DesiredRule, indent: string, v5: boolean, withMarker = true): string {
  const inner = `${indent}  `;
  const lines = [
    ...(withMarker ? [`${indent}${markerComment}`] : []),
    v5 ? `${indent}{` : `${indent}ingress_rule {`,
    ...alignedAttributes(
      [
        ['hostname', rule.hostname],
        ['service', rule.service],
      ],
      inner,
    ),
    ...(rule.access ? originRequestLines(rule.access, inner, v5) : []),
    v5 ? `${indent}},` : `${indent}}`,
  ];
  return lines.join('\n');
}

/** One-line v5 object, for single-line `ingress = [ … ]` lists. */
export function renderInlineRule(rule: DesiredRule): string {
  const access = rule.access
    ? `, origin_request = { access = { required = ${rule.access.required}, team_name = ${rule.access.teamName}, aud_tag = ${rule.access.audTag} } }`
    : '';
  return `{ hostname = ${rule.hostname}, service = ${rule.service}${access} }`;
}

/** cloudflared's own YAML shape of the same rule (camelCase keys). */
export function yamlRule(hostname: string, service: string, access: PatchAccess | undefined): Record<string, unknown> {
  const rule: Record<string, unknown> = { hostname, service };
  if (access) {
    const plain = (v: string | HclExpr): string => (typeof v === 'string' ? v : v.hcl);
    rule.originRequest = { access: { required: true, teamName: plain(access.teamName), audTag: [plain(access.audTag)] } };
  }
  return rule;
}
