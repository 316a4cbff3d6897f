// Refusals for rules kept in another file or format (review 2 finding 15), pointing at the real
// file and line with ONE snippet in that place's own syntax:
// - v5 `ingress = jsondecode(file("ingress.json"))` / `yamldecode(file(…))`: an item of that JSON or
//   YAML list. The decoded objects go to the provider, so keys are its attribute names
//   (hostname, service, origin_request.access.team_name …), not cloudflared's camelCase.
// - `yamlencode({ … ingress = [ … ] })` / `jsonencode` in a .tf file (a ConfigMap body): an HCL
//   object for that list, rendered to cloudflared's config, so cloudflared's camelCase keys.
import { relative } from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { Shape } from './classify.js';
import { lineOf } from './config-guards.js';
import { referencedPath, readText } from './file-config.js';
import { blockLabels, findObjectElem, isObject, isTuple, namedChildren, objectElemKey, objectElemValue, objectElems, staticString, tupleElements, unwrap } from './hcl-nodes.js';
import type { RepoModel } from './model.js';
import { dnsRefusalSnippets } from './dns-refusal.js';
import { emptyPlan, refuseTerraform } from './refuse.js';
import { tunnelFor } from './sibling-config.js';
import { MANAGED_MARKER, type HclExpr, type RepoPatchInput, type RepoPatchPlan, type Snippet } from './types.js';

const plain = (v: string | HclExpr): string => (typeof v === 'string' ? v : `<the value of ${v.hcl}>`);
const rel = (model: RepoModel, p: string): string => relative(model.repoDir, p) || p;

/** The rule as the provider's objects (snake_case), for a decoded JSON/YAML list. */
function providerRule(input: RepoPatchInput): Record<string, unknown> {
  const rule: Record<string, unknown> = { hostname: input.hostname, service: input.serviceUrl };
  if (input.access) rule.origin_request = { access: { required: true, team_name: plain(input.access.teamName), aud_tag: [plain(input.access.audTag)] } };
  return rule;
}

/** 1-based line of the last line of `text` holding `needle` (the catch-all's service), or null. */
function lastLineWith(text: string, needle: string): number | null {
  const i = text.split('\n').findLastIndex((l) => l.includes(needle));
  return i < 0 ? null : i + 1;
}

export function decodedListRefusal(model: RepoModel, shape: Extract<Shape, { kind: 'hcl-generated' }>, input: RepoPatchInput): RepoPatchPlan | null {
  const { config } = shape;
  if (config.source.kind !== 'expression') return null;
  const m = /^(jsondecode|yamldecode)\(\s*file\(\s*"([^"]+)"\s*\)\s*\)$/.exec(config.source.expression.trim());
  const path = m ? referencedPath(config.file, m[2]!) : null;
  if (!m || !path) return null;
  const json = m[1] === 'jsondecode';
  const file = rel(model, path);
  const text = readText(path);
  const catchAll = lastLineWith(text, 'http_status:');
  const at = catchAll ? `directly above the catch-all (${file}:${catchAll})` : 'above the catch-all (the last rule)';
  const rule = providerRule(input);
  const snippet: Snippet = json
    ? { title: `Ingress rule, ${at}`, where: file, language: 'json', text: `${JSON.stringify(rule).replace(/^\{/, '{ ').replace(/\}$/, ' }').replace(/":/g, '": ').replace(/,"/g, ', "')},\n` }
    : { title: `Ingress rule, ${at}`, where: file, language: 'yaml', text: `# docker-mcp: ${MANAGED_MARKER} init\n- hostname: ${input.hostname}\n  service: ${input.serviceUrl}\n${input.access ? `  origin_request:\n    access:\n      required: true\n      team_name: ${plain(input.access.teamName)}\n      aud_tag: [${plain(input.access.audTag)}]\n` : ''}` };
  const reason =
    `${config.address}: its rules are read from ${file} (\`${config.source.expression.trim()}\` at ${config.file.relPath}:${lineOf(config.source.node)}); ` +
    `init does not edit a file the config decodes: add the rule to ${file} ${at}, as below (records generated from the same file follow it).`;
  return refuseTerraform(emptyPlan(model.repoDir, 'terraform', input), input, {
    reason, version: config.version, where: file, scan: model.scan, tunnelDir: config.file.dir, ruleSnippets: [snippet],
  });
}

function descendants(node: Node, type: string, out: Node[] = []): Node[] {
  for (const c of namedChildren(node)) {
    if (c.type === type) out.push(c);
    descendants(c, type, out);
  }
  return out;
}

/** `yamlencode({ … ingress = [ … ] })` / `jsonencode(…)` anywhere in the .tf files. */
export async function encodedListRefusal(model: RepoModel, input: RepoPatchInput): Promise<RepoPatchPlan | null> {
  for (const file of model.scan?.files ?? []) {
    for (const call of descendants(file.root, 'function_call')) {
      const fn = namedChildren(call).find((c) => c.type === 'identifier')?.text;
      if (fn !== 'yamlencode' && fn !== 'jsonencode') continue;
      const objects = descendants(call, 'object').filter((o) => isObject(o));
      const elem = objects.map((o) => findObjectElem(o, 'ingress')).find((e) => e && isTuple(unwrap(objectElemValue(e))));
      if (!elem) continue;
      const items = tupleElements(unwrap(objectElemValue(elem))!).map(unwrap).filter(isObject);
      const last = items.findLast((o) => !objectElems(o).some((e) => objectElemKey(e) === 'hostname'));
      const lastService = last ? staticString(unwrap(objectElemValue(findObjectElem(last, 'service')!))) : null;
      const at = last && lastService !== null ? `directly above the catch-all \`{ service = "${lastService}" }\` (${file.relPath}:${lineOf(last)})` : `at the end of the list (${file.relPath}:${lineOf(elem)})`;
      const access = input.access
        ? `  originRequest = {\n    access = {\n      required = true\n      teamName = ${JSON.stringify(plain(input.access.teamName))}\n      audTag   = [${JSON.stringify(plain(input.access.audTag))}]\n    }\n  }\n`
        : '';
      const snippet: Snippet = {
        title: `Ingress rule (cloudflared's config keys), ${at}`,
        where: `${file.relPath}, the \`ingress = [ … ]\` list of ${fn}(…)`,
        language: 'hcl',
        text: `# docker-mcp: ${MANAGED_MARKER} init\n{\n  hostname = ${JSON.stringify(input.hostname)}\n  service  = ${JSON.stringify(input.serviceUrl)}\n${access}},\n`,
      };
      const reason =
        `the cloudflared config is built by ${fn}(…) in ${file.relPath} (its \`ingress\` list at ${file.relPath}:${lineOf(elem)}), ` +
        'not by a tunnel config resource; init does not edit it: add the rule there, as below, and restart cloudflared once the ConfigMap changed.';
      const plan = refuseTerraform(emptyPlan(model.repoDir, 'terraform', input), input, {
        reason, version: 'both', where: file.relPath, scan: model.scan, tunnelDir: file.dir, ruleSnippets: [snippet],
      });
      // DNS the repo's way, from the Terraform tunnel the config runs (as for a YAML config).
      const tunnel = model.scan ? tunnelFor(model, { tunnel: null }) : null;
      if (tunnel) {
        const hosts = items.flatMap((o) => {
          const h = findObjectElem(o, 'hostname');
          return h ? [staticString(unwrap(objectElemValue(h)))].filter((x): x is string => x !== null) : [];
        });
        const [type, name] = blockLabels(tunnel.block);
        const dns = await dnsRefusalSnippets(model, tunnel, input.hostname, '', hosts, `${type}.${name}`);
        plan.snippets.splice(plan.snippets.length - 1, 0, ...dns.snippets);
        plan.notes.push(...dns.notes);
      }
      return plan;
    }
  }
  return null;
}
