// YAML mode: a cloudflared ConfigMap (data["config.yaml"] holds `ingress:`) or a plain cloudflared
// config file. The inner config is edited through yaml's Document API (comments survive); the
// outer file is changed only inside the block scalar's source range, so the rest of a
// multi-document manifest stays byte-for-byte as written.
import { readFileSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Document, isMap, isScalar, isSeq, parseAllDocuments, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { serviceHost } from './ingress-hcl.js';
import { listFiles } from './repo-scan.js';
import { yamlRule } from './render.js';
import { MANAGED_MARKER, type RepoPatchInput, type RepoPatchPlan, type Snippet } from './types.js';

interface Candidate {
  path: string;
  text: string;
  /** The block scalar holding the config, or null when the file itself is the cloudflared config. */
  scalar: Scalar | null;
  inner: Document;
  where: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function hasIngress(doc: Document): boolean {
  return isSeq(doc.get('ingress', true));
}

export function findYamlConfigs(target: string): Candidate[] {
  const abs = resolve(target);
  const paths = statSync(abs).isDirectory() ? listFiles(abs, ['.yaml', '.yml']) : [abs];
  return paths.flatMap((path) => configsInText(path, readFileSync(path, 'utf8')));
}

function configsInText(path: string, text: string): Candidate[] {
  const out: Candidate[] = [];
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) return out;
  for (const doc of docs) {
    if (doc.errors.length) continue;
    const data = doc.get('data', true);
    if (doc.get('kind') === 'ConfigMap' && isMap(data)) {
      for (const pair of data.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (!/\.ya?ml$/.test(key) || !isScalar(pair.value) || typeof pair.value.value !== 'string') continue;
        const inner = parseDocument(pair.value.value);
        if (!inner.errors.length && hasIngress(inner)) {
          out.push({ path, text, scalar: pair.value, inner, where: `ConfigMap ${str(doc.getIn(['metadata', 'name'])) ?? '?'} data["${key}"]` });
        }
      }
    } else if (docs.length === 1 && hasIngress(doc) && doc.has('tunnel')) {
      out.push({ path, text, scalar: null, inner: doc, where: 'cloudflared config' });
    }
  }
  return out;
}

function ruleMatches(rule: YAMLMap, labels: string[], host: string | null): boolean {
  if (rule.commentBefore?.includes(MANAGED_MARKER)) return true;
  const hostname = str(rule.get('hostname'));
  if (hostname && labels.includes(hostname.split('.')[0] ?? '')) return true;
  return host !== null && serviceHost(str(rule.get('service'))) === host;
}

/** Re-renders a block scalar's source (header kept) with new content at the same indentation. */
function blockScalarSource(text: string, scalar: Scalar, content: string): string | null {
  const [start, end] = scalar.range ?? [];
  if (start === undefined || end === undefined) return null;
  const source = text.slice(start, end);
  const headerEnd = source.indexOf('\n');
  const indent = /\n([ ]+)\S/.exec(source)?.[1];
  if (headerEnd === -1 || !indent) return null;
  const trailing = /\n*$/.exec(source)?.[0] ?? '';
  const body = content
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => (line ? indent + line : line))
    .join('\n');
  return `${source.slice(0, headerEnd)}\n${body}${trailing.length ? trailing : '\n'}`;
}

function yamlSnippet(input: RepoPatchInput): Snippet {
  const doc = new Document([yamlRule(input.hostname, input.serviceUrl, input.access)]);
  const first = isSeq(doc.contents) ? doc.contents.items[0] : undefined;
  if (isMap(first)) first.commentBefore = ` docker-mcp: ${MANAGED_MARKER} init`;
  return { title: 'Ingress rule, directly above `- service: http_status:404`', where: 'ingress: in the cloudflared config', language: 'yaml', text: doc.toString() };
}

export function planYaml(target: string, input: RepoPatchInput): RepoPatchPlan {
  const repoDir = resolve(target);
  const plan: RepoPatchPlan = { repoDir, mode: 'yaml', edits: [], notes: [], snippets: [], refused: null };
  const refuse = (reason: string): RepoPatchPlan => ({ ...plan, refused: reason, edits: [], snippets: [yamlSnippet(input)] });
  const found = findYamlConfigs(target);
  if (found.length === 0) {
    return refuse(`no cloudflared config found: expected a ConfigMap whose data["config.yaml"] has an \`ingress:\` list (or a cloudflared config file) under ${target}`);
  }
  if (found.length > 1) return refuse(`ambiguous: ${found.length} cloudflared configs (${found.map((f) => `${relative(repoDir, f.path) || f.path}: ${f.where}`).join(', ')})`);
  const cand = found[0]!;
  const rel = relative(repoDir, cand.path) || cand.path;
  const ingress = cand.inner.get('ingress', true);
  if (!isSeq(ingress)) return refuse(`${rel}: ingress is not a list of rules`);
  const rules = ingress.items.filter((i): i is YAMLMap => isMap(i));
  if (rules.length !== ingress.items.length) return refuse(`${rel}: ingress is not a list of rules`);
  const catchAll = (r: YAMLMap): boolean => !r.has('hostname') && !r.has('path');
  if (!rules.length || !catchAll(rules.at(-1)!) || rules.filter(catchAll).length !== 1) {
    return refuse(`${rel}: the ingress list needs exactly one catch-all rule (no hostname, e.g. \`service: http_status:404\`), last`);
  }
  const label = input.hostname.split('.')[0] ?? input.serviceName;
  const own = rules.filter((r) => !catchAll(r) && ruleMatches(r, [input.serviceName, label], serviceHost(input.serviceUrl)));
  if (own.length > 1) return refuse(`ambiguous: ${own.length} ingress rules in ${rel} look like docker-mcp's; keep one`);
  const desired = yamlRule(input.hostname, input.serviceUrl, input.access);
  let changed = false;
  const existing = own[0];
  if (existing) {
    for (const key of ['hostname', 'service'] as const) {
      if (existing.get(key) !== desired[key]) {
        existing.set(key, desired[key]);
        changed = true;
      }
    }
    const access = (desired.originRequest as { access?: Record<string, unknown> } | undefined)?.access;
    for (const [key, want] of Object.entries(access ?? {})) {
      const path = ['originRequest', 'access', key];
      const current: unknown = existing.getIn(path, true);
      const plain: unknown = isScalar(current) || isMap(current) || isSeq(current) ? current.toJSON() : current;
      if (JSON.stringify(plain) !== JSON.stringify(want)) {
        existing.setIn(path, cand.inner.createNode(want));
        changed = true;
      }
    }
  } else {
    const node = cand.inner.createNode(desired);
    node.commentBefore = ` docker-mcp: ${MANAGED_MARKER} init; re-run it to change this rule`;
    ingress.items.splice(rules.length - 1, 0, node);
    changed = true;
  }
  const tunnel = str(cand.inner.get('tunnel')) ?? '<tunnel>';
  plan.notes.push(`cloudflared config: ${rel} (${cand.where}); ${existing ? 'updating the existing docker-mcp rule' : 'adding the docker-mcp rule before the catch-all'}.`);
  plan.snippets.push({ title: 'DNS: route the hostname to the tunnel', where: 'a shell logged in with `cloudflared tunnel login`', language: 'shell', text: `cloudflared tunnel route dns ${tunnel} ${input.hostname}\n` });
  if (!changed) return plan;
  const innerText = cand.inner.toString({ lineWidth: 0 });
  let after: string | null;
  if (cand.scalar) {
    const source = blockScalarSource(cand.text, cand.scalar, innerText);
    const [start, end] = cand.scalar.range ?? [0, 0];
    after = source === null || cand.scalar.type !== 'BLOCK_LITERAL' ? null : cand.text.slice(0, start) + source + cand.text.slice(end);
  } else {
    after = innerText;
  }
  if (after === null) return refuse(`${rel}: data["config.yaml"] is not a literal block scalar (\`config.yaml: |\`); edit it by hand`);
  if (configsInText(cand.path, after).length !== 1) return refuse(`internal: the patched ${rel} would not parse, so nothing was written`);
  plan.edits.push({ path: cand.path, relPath: rel, before: cand.text, after });
  return plan;
}
