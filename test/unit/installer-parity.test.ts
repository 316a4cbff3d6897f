// Parity: the Terraform module, evaluated from its parse tree with each configuration's values,
// must describe exactly the objects the raw YAML renders (names, labels, annotations, ports,
// probes, resources, security contexts, volumes, env). Both start from the same InstallConfig.
import { describe, expect, it } from 'vitest';
import { accessConfigMap, kubernetesObjects } from '../../src/templates/kubernetes/objects.js';
import { names, usesAccess } from '../../src/templates/model.js';
import { gatewayEnvFor, renderPlan } from '../../src/templates/index.js';
import { moduleObjects } from './installer-module-eval.js';
import { VERSION, configFrom, matrix, moduleVars, table } from './installer-helpers.js';

describe.each(Object.entries(matrix))('Terraform module vs YAML (%s)', (_label, data) => {
  const config = configFrom(data);
  const plan = renderPlan(config, table, { format: 'both', singleFile: false, version: VERSION });
  const yamlObjects = kubernetesObjects(config, VERSION);

  it('describes the same objects, field for field', async () => {
    const all = await moduleObjects(plan.files, moduleVars(config));
    // The AUD ConfigMap is no YAML object (kustomize generates it from access.env); the module creates it.
    const isAccess = (o: Record<string, unknown>): boolean => o.kind === 'ConfigMap' && (o.metadata as { name: string }).name === names(config).accessConfigMap;
    expect(all.filter(isAccess)).toEqual(usesAccess(config) ? [accessConfigMap(config, VERSION)] : []);
    const tfObjects = all.filter((o) => !isAccess(o));
    const key = (o: Record<string, unknown>): string => `${o.kind as string}/${(o.metadata as { name: string }).name}`;
    expect(tfObjects.map(key).sort()).toEqual(yamlObjects.map(key).sort());
    for (const y of yamlObjects) {
      const t = tfObjects.find((o) => key(o) === key(y));
      expect(t, key(y)).toEqual(y);
    }
  });

  it('gatewayEnvFor() is the ConfigMaps the Deployment loads', () => {
    const launch = gatewayEnvFor(config);
    const cm = yamlObjects.find((o) => o.kind === 'ConfigMap')!;
    const access = usesAccess(config) ? (accessConfigMap(config, VERSION).data as Record<string, string>) : {};
    expect(launch.env).toEqual({ ...(cm.data as Record<string, string>), ...access });
    expect(cm.data).not.toHaveProperty('DOCKER_MCP_CF_ACCESS_AUD');
    const container = ((yamlObjects.find((o) => o.kind === 'Deployment')!.spec as never as { template: { spec: { containers: { args: string[]; command?: string[] }[] } } }).template.spec.containers[0])!;
    // Only args: a `command` would replace the image's ENTRYPOINT (node /app/bin/docker-mcp.js).
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual(launch.args);
    expect(launch.env.DOCKER_MCP_HOST).toBe('0.0.0.0');
    expect(launch.env.DOCKER_MCP_STATELESS).toBe(String(config.replicas > 1));
  });
});
