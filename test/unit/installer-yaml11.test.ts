// kubectl reads manifests with a YAML 1.1 parser, where unquoted on/off/yes/no/y/n are booleans: a
// namespace "no" or a label "on" written plain would fail to apply ("cannot unmarshal bool into
// ... of type string"). The rendered YAML must read back as the same strings under YAML 1.1.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

const config = configFrom({ environment: 'on', namespace: 'no', node_selector: { docker: 'yes', y: 'n' } });

describe.each([false, true])('Kubernetes YAML under YAML 1.1 (single file: %s)', (singleFile) => {
  const files = renderPlan(config, table, { format: 'yaml', singleFile, version: VERSION }).files.filter((f) => f.path.endsWith('.yaml'));

  it('keeps on/no/yes/y/n as strings', () => {
    const objects = files.flatMap((f) => parseAllDocuments(f.contents, { version: '1.1' }).map((d) => d.toJS() as Record<string, unknown>)).filter((o) => o.kind);
    const deployment = objects.find((o) => o.kind === 'Deployment') as {
      metadata: { namespace: unknown; labels: Record<string, unknown> };
      spec: { template: { spec: { nodeSelector: Record<string, unknown> } } };
    };
    expect(deployment.metadata.namespace).toBe('no');
    expect(deployment.metadata.labels.environment).toBe('on');
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ docker: 'yes', y: 'n' });
    const namespaces = objects.map((o) => (o.metadata as { namespace?: unknown } | undefined)?.namespace).filter((n) => n !== undefined);
    expect(namespaces.length).toBeGreaterThan(2);
    for (const namespace of namespaces) expect(namespace).toBe('no');
  });
});
