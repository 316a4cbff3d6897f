// Golden examples, real HCL parsing, terraform fmt, and Kubernetes schema validation for every
// rendered file across a matrix of configurations. UPDATE_GOLDEN=1 rewrites examples/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { formatHclErrors, parseHcl } from '../../src/templates/hcl-parse.js';
import { renderPlan } from '../../src/templates/index.js';
import { EXAMPLES, VERSION, configFrom, matrix, renderExample, table } from './installer-helpers.js';
import * as models from './installer-k8s-models.js';

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('golden examples', () => {
  for (const name of EXAMPLES) {
    it(`examples/${name} matches its rendering`, () => {
      const dir = join('examples', name);
      const plan = renderExample(name);
      if (process.env.UPDATE_GOLDEN) {
        for (const f of listFiles(dir)) if (!f.endsWith('docker-mcp.yaml')) rmSync(f);
        for (const f of plan.files) {
          mkdirSync(dirname(join(dir, f.path)), { recursive: true });
          writeFileSync(join(dir, f.path), f.contents);
        }
      }
      const onDisk = listFiles(dir).map((f) => relative(dir, f)).sort();
      expect(onDisk).toEqual(plan.files.map((f) => f.path));
      for (const f of plan.files) expect(readFileSync(join(dir, f.path), 'utf8'), f.path).toBe(f.contents);
    });
  }
});

describe.each(Object.entries(matrix))('rendered files (%s)', (_label, data) => {
  const config = configFrom(data);
  const plans = [false, true].map((singleFile) => renderPlan(config, table, { format: 'both', singleFile, version: VERSION }));
  const files = plans.flatMap((p) => p.files);

  it('every .tf and .tfvars parses without ERROR or MISSING nodes', async () => {
    const tf = files.filter((f) => f.path.endsWith('.tf') || f.path.endsWith('.tfvars'));
    expect(tf.length).toBeGreaterThan(5);
    for (const f of tf) {
      const { errors } = await parseHcl(f.contents);
      expect(errors, `${f.path}\n${formatHclErrors(errors)}`).toEqual([]);
    }
  });

  it('every .tf passes terraform fmt -check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmcp-fmt-'));
    try {
      for (const f of plans[0]!.files.filter((x) => /\.tf(vars)?$/.test(x.path))) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), f.contents);
      }
      const run = (): string => execFileSync('terraform', ['fmt', '-check', '-diff', '-recursive', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(run).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every Kubernetes object validates against the OpenAPI schemas', () => {
    const yamlFiles = files.filter((f) => f.path.startsWith('kubernetes/') && f.path !== 'kubernetes/kustomization.yaml');
    let count = 0;
    for (const f of yamlFiles) {
      for (const doc of parseAllDocuments(f.contents)) {
        const obj = doc.toJS() as { kind: string } | null;
        if (!obj) continue;
        expect(() => models.validate(obj), `${f.path} ${obj.kind}`).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it('the kustomization lists exactly the object files', () => {
    const k = plans[0]!.files.find((f) => f.path === 'kubernetes/kustomization.yaml')!;
    const listed = (parseAllDocuments(k.contents)[0]!.toJS() as { resources: string[] }).resources;
    const present = plans[0]!.files.filter((f) => f.path.startsWith('kubernetes/') && !f.path.endsWith('kustomization.yaml')).map((f) => f.path.slice('kubernetes/'.length));
    expect([...listed].sort()).toEqual(present.sort());
  });

  it('cloudflared keeps the catch-all last and Access per rule', () => {
    const f = files.find((x) => x.path === 'cloudflare/cloudflared-ingress.yaml');
    if (!f) return expect(config.domain_suffix === '' || !config.enable_cloudflare_tunnel).toBe(true);
    const doc = parseAllDocuments(f.contents)[0]!.toJS() as { ingress: Record<string, unknown>[]; originRequest?: unknown };
    expect(doc.originRequest).toBeUndefined();
    expect(doc.ingress.at(-1)).toEqual({ service: 'http_status:404' });
    const access = ['cloudflare-access', 'both'].includes(config.auth_mode);
    expect(Boolean((doc.ingress[0] as { originRequest?: unknown }).originRequest)).toBe(access);
  });
});

it('the module docs table matches the variables table', () => {
  const readme = readFileSync('examples/basic/terraform/modules/docker-mcp-gateway/README.md', 'utf8');
  // Root-only variables (the provider's kube_context, kubeconfig_path) are not module inputs.
  for (const spec of table) {
    if (spec.scope === 'root') expect(readme).not.toContain(`| \`${spec.name}\` |`);
    else expect(readme).toContain(`| \`${spec.name}\` |`);
  }
  if (existsSync('docs/installer.md')) {
    const docs = readFileSync('docs/installer.md', 'utf8');
    for (const spec of table) expect(docs, spec.name).toContain(`| \`${spec.name}\` |`);
  }
});
