// A new Cloudflare Access AUD must restart the pods: the gateway reads DOCKER_MCP_CF_ACCESS_AUD from
// its env only at start, and the AUD lives in a ConfigMap of its own (names().accessConfigMap). The
// kustomize form rolls through the generated ConfigMap's hashed name; the Terraform module and the
// --single-file YAML (fixed names) need the pod template itself to change.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/templates/index.js';
import { kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { moduleObjects } from './installer-module-eval.js';
import { VERSION, configFrom, matrix, moduleVars, table } from './installer-helpers.js';

type Deployment = { kind: string; spec: { template: unknown } };
const template = (objects: Record<string, unknown>[]): unknown => (objects.find((o) => o.kind === 'Deployment') as Deployment).spec.template;

describe('a changed Access AUD rolls the pods', () => {
  const withAud = (aud: string) => configFrom({ ...matrix.access, cf_access_aud: aud });
  const [a, b] = [withAud('cd'.repeat(32)), withAud('ef'.repeat(32))];

  it('in the Terraform module (the root hands it the Access application\'s aud)', async () => {
    const module = async (c: typeof a) =>
      template(await moduleObjects(renderPlan(c, table, { format: 'both', singleFile: false, version: VERSION }).files, moduleVars(c)));
    expect(await module(a)).not.toEqual(await module(b));
  });

  it('in the single-file YAML (a fixed ConfigMap name)', () => {
    expect(template(kubernetesObjects(a, VERSION))).not.toEqual(template(kubernetesObjects(b, VERSION)));
  });

  it('without an AUD known at render time, no checksum of an empty one', () => {
    const created = configFrom(matrix.newTunnel!);
    const annotations = (template(kubernetesObjects(created, VERSION)) as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(Object.keys(annotations)).not.toContain('checksum/access');
  });
});
