// docker-mcp's kustomize name hash and reference rewrite against the real `kubectl kustomize`
// (offline): the same generated names and the same references, over contents that exercise Go's JSON
// escaping, key order, empty values and env-file parsing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { readManifests } from '../../src/lifecycle/kube.js';

const root = mkdtempSync(join(tmpdir(), 'dmcp-kustomize-hash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  namespace: ns1
spec:
  selector:
    matchLabels: { app: a }
  template:
    metadata:
      labels: { app: a }
    spec:
      initContainers:
        - name: init
          image: busybox
          envFrom:
            - configMapRef: { name: gen }
      containers:
        - name: c
          image: busybox
          envFrom:
            - configMapRef: { name: gen }
            - configMapRef: { name: untouched }
          env:
            - name: ONE
              valueFrom:
                configMapKeyRef: { name: gen, key: A }
      volumes:
        - name: v
          configMap: { name: gen }
        - name: p
          projected:
            sources:
              - configMap: { name: gen }
`;

type Obj = { kind: string; metadata: { name: string } };

function dirWith(envFile: string): string {
  const dir = mkdtempSync(join(root, 'k-'));
  writeFileSync(join(dir, 'deployment.yaml'), DEPLOYMENT);
  writeFileSync(join(dir, 'gen.env'), envFile);
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - deployment.yaml\nconfigMapGenerator:\n  - name: gen\n    namespace: ns1\n    envs:\n      - gen.env\n');
  return dir;
}

/** Every ConfigMap name an object set has or references, in a stable order. */
function names(objects: unknown[]): string[] {
  return JSON.stringify(objects)
    .match(/"name":"(gen|untouched)[^"]*"/g)!
    .filter((n) => n)
    .sort();
}

const CONTENTS: Record<string, string> = {
  simple: 'DOCKER_MCP_CF_ACCESS_AUD=abc123\n',
  'another value': 'DOCKER_MCP_CF_ACCESS_AUD=0f3a9e1b77c\n',
  'HTML-escaped and unicode characters': 'A=<script>&amp;"quoted" \\back\\slash ü € 🐳 \u2028end\n',
  'an empty value and = in values': 'A=\nB=x=y==\n',
  'keys in byte order, not insertion order': 'b=1\nA=2\n_c=3\na.b-c=4\nZ=5\n',
  'CRLF, comments, indented keys and trailing spaces': '# comment\r\n  A=1  \r\n\r\nB=two words\r\n',
  'no keys at all': '# nothing yet\n',
};

describe('configMapGenerator names as kubectl kustomize makes them', () => {
  for (const [label, content] of Object.entries(CONTENTS)) {
    it(label, () => {
      const dir = dirWith(content);
      const built = parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS() as Obj);
      const ours = readManifests(dir);
      expect(ours.map((o) => `${o.kind}/${o.metadata!.name}`).sort()).toEqual(built.map((o) => `${o.kind}/${o.metadata.name}`).sort());
      expect(names(ours)).toEqual(names(built));
      // The generated data too: the hash covers it, so equal names alone would hide a parsing difference.
      const data = (list: unknown[]): unknown => (list as { kind: string; data?: unknown }[]).find((o) => o.kind === 'ConfigMap')?.data ?? {};
      expect(data(ours)).toEqual(data(built));
    });
  }

  it('a different access.env gives a different name, and the Deployment follows it', () => {
    const a = readManifests(dirWith('A=1\n'));
    const b = readManifests(dirWith('A=2\n'));
    const cm = (list: typeof a): string => list.find((o) => o.kind === 'ConfigMap')!.metadata!.name!;
    expect(cm(a)).not.toEqual(cm(b));
    const refs = (list: typeof a): string[] => names(list.filter((o) => o.kind === 'Deployment'));
    expect(refs(a)).toContain(`"name":"${cm(a)}"`);
    expect(refs(b)).toContain(`"name":"${cm(b)}"`);
    expect(refs(a)).toContain('"name":"untouched"');
  });
});
