// Each class of bad input is caught, by the zod schema and the module's HCL validations alike,
// and every problem is reported in one round.
import { describe, expect, it } from 'vitest';
import { resolveInputs } from '../../src/config/sources.js';
import { validateConfig } from '../../src/config/schema.js';
import { hclValidations } from '../../src/templates/terraform/variables.js';
import { table } from './installer-helpers.js';

function problems(flags: Record<string, unknown>, env: Record<string, string> = {}, target: 'kubernetes' | 'docker' = 'kubernetes'): string[] {
  const resolved = resolveInputs(table, { flags, env });
  for (const spec of table) resolved.values[spec.name] ??= structuredClone(spec.default);
  const result = validateConfig(table, resolved.values, target);
  return [...resolved.problems, ...(result.ok ? [] : result.problems)];
}

describe('installer validation', () => {
  it('accepts the defaults (the README\'s `init --yes`)', () => {
    expect(problems({})).toEqual([]);
  });

  it.each([
    ['cpu quantity', { cpuLimit: '500x' }, '--cpu-limit'],
    ['memory quantity', { memoryLimit: '1 GB' }, '--memory-limit'],
    ['DNS-1123 namespace', { namespace: 'Home_Lab' }, '--namespace'],
    ['combined name length', { projectName: 'a'.repeat(45) }, 'at most 44'],
    ['port range', { port: '70000' }, '--port'],
    ['replicas >= 1', { replicas: '0' }, '--replicas'],
    ['enum', { logLevel: 'verbose' }, '--log-level'],
    ['hostname', { domainSuffix: 'not a domain' }, '--domain-suffix'],
    ['not a number', { dockerTimeout: 'soon' }, 'must be a number'],
    ['double quote (HCL injection)', { environment: 'prod"\n}' }, 'single line'],
    ['${ (HCL interpolation)', { projectName: '${file("/etc/passwd")}' }, 'quotes'],
    ['%{ (HCL directive)', { tunnelHostname: '%{if true}x' }, 'template syntax'],
    ['newline (YAML injection)', { namespace: 'a\nkind: Secret' }, 'single line'],
    ['backslash', { dockerSocketPath: '/var/run\\docker.sock' }, 'backslashes'],
    ['email list', { allowedEmails: 'me@example.com,not-an-email' }, '--allowed-emails[1]'],
    ['node selector value', { nodeSelector: 'kubernetes.io/hostname=bad value' }, '--node-selector'],
  ])('rejects bad %s', (_name, flags, expected) => {
    const found = problems(flags);
    expect(found.join('\n')).toContain(expected);
  });

  it('accepts several replicas without pinning (the scheduler co-locates them) and refuses a contradictory node', () => {
    expect(problems({ replicas: '2' })).toEqual([]);
    expect(problems({ replicas: '2', nodeName: 'node-1', nodeSelector: 'kubernetes.io/hostname=node-1' })).toEqual([]);
    const [message] = problems({ nodeName: 'node-1', nodeSelector: 'kubernetes.io/hostname=node-2' });
    expect(message).toMatch(/^--node-name: node-1 contradicts --node-selector kubernetes.io\/hostname=node-2/);
  });

  it.each([
    ['toleration effect', { tolerations: 'key=value:Sometimes' }, '--tolerations[0]: the effect must be one of NoSchedule, PreferNoSchedule, NoExecute'],
    ['toleration key', { tolerations: 'ok:NoSchedule,bad key' }, '--tolerations[1]: the key must be a label key'],
    ['node affinity value', { nodeAffinity: 'zone=a|' }, '--node-affinity[0]: each value must be a non-empty label value'],
    ['priority class', { priorityClassName: 'High_Priority' }, '--priority-class-name'],
    ['tmp size', { tmpSizeLimit: 'lots' }, '--tmp-size-limit'],
    ['annotation key', { podAnnotations: 'bad key=x' }, '--pod-annotations'],
    ['label value', { labels: 'team=a b' }, '--labels'],
    ['memory request over the limit', { memoryLimit: '256Mi', memoryRequest: '1Gi' }, '--memory-request: 1Gi is more than --memory-limit 256Mi'],
  ])('rejects bad %s', (_name, flags, expected) => {
    expect(problems(flags).join('\n')).toContain(expected);
  });

  // The API server refuses label values over 63 characters and key names over 63 (prefix: 253), in
  // metadata.labels and in spec.nodeSelector alike; each of these would render an object that fails to apply.
  it.each([
    ['label value over 63', { labels: `team=${'a'.repeat(64)}` }, '--labels'],
    ['label key name over 63', { labels: `example.com/${'b'.repeat(64)}=x` }, '--labels'],
    ['node selector value over 63', { nodeSelector: `disk=${'s'.repeat(64)}` }, '--node-selector'],
    ['cloudflared label value over 63', { cloudflaredPodLabels: `app=${'c'.repeat(64)}` }, '--cloudflared-pod-labels'],
    ['node name over 63 (it becomes the kubernetes.io/hostname selector value)', { nodeName: `n${'.a'.repeat(40)}` }, '--node-name'],
  ])('rejects a %s', (_name, flags, expected) => {
    expect(problems(flags).join('\n')).toContain(expected);
  });

  it('accepts label keys and values of exactly the Kubernetes maximum', () => {
    expect(problems({ labels: `${'p'.repeat(60)}.io/${'k'.repeat(63)}=${'v'.repeat(63)}`, nodeName: 'n'.repeat(63) })).toEqual([]);
  });

  it('needs the tunnel, team and an allow list for Cloudflare Access, and the AUD only where no Access application is rendered', () => {
    const found = problems({ authMode: 'cloudflare-access' }).join('\n');
    for (const flag of ['--domain-suffix', '--cf-access-team', '--allowed-emails']) expect(found).toContain(flag);
    // Kubernetes: the rendered Terraform creates the Access application and hands its aud to the gateway.
    const access = { authMode: 'both', domainSuffix: 'example.com', cfAccessTeam: 'team', allowedEmails: 'a@example.com' };
    expect(problems(access)).toEqual([]);
    // --target docker renders no Terraform: the AUD of an existing application is required there.
    expect(problems(access, {}, 'docker').join('\n')).toMatch(/--cf-access-aud: required when --auth-mode is both with --target docker/);
  });

  it('refuses an unauthenticated gateway: it would not start on 0.0.0.0, and a live tunnel would expose it', () => {
    expect(problems({ authMode: 'none', domainSuffix: 'example.com' }).join('\n')).toMatch(/internet unauthenticated/);
    const [message] = problems({ authMode: 'none' });
    expect(message).toMatch(/--auth-mode: none is refused: the gateway listens on 0\.0\.0\.0 in its pod/);
    expect(message).toMatch(/every pod in the cluster could reach the Docker socket/);
    const resolved = resolveInputs(table, { flags: { authMode: 'none' }, env: {} });
    for (const spec of table) resolved.values[spec.name] ??= structuredClone(spec.default);
    const docker = validateConfig(table, resolved.values, 'docker');
    expect(docker.ok).toBe(false);
    expect(docker.ok ? '' : docker.problems.join('\n')).toMatch(/in its container .*every container on its network/);
  });

  it('reports every problem at once, from flags and env', () => {
    const found = problems({ port: '0', cpuLimit: 'lots' }, { DOCKER_MCP_INIT_NAMESPACE: 'BAD', DOCKER_MCP_INIT_ENABLE_METRICS: 'maybe' });
    expect(found).toHaveLength(4);
  });

  it('flags beat env, env beats the config file', () => {
    const resolved = resolveInputs(table, {
      flags: { port: '1111' },
      env: { DOCKER_MCP_INIT_PORT: '2222', DOCKER_MCP_INIT_NAMESPACE: 'from-env' },
      configFile: { path: 'docker-mcp.yaml', data: { port: 3333, namespace: 'from-file', log_level: 'debug' } },
    });
    expect([resolved.values.port, resolved.values.namespace, resolved.values.log_level]).toEqual([1111, 'from-env', 'debug']);
    expect(resolved.origins).toMatchObject({ port: 'flag', namespace: 'env', log_level: 'config', replicas: 'default' });
  });

  it('rejects unknown keys in docker-mcp.yaml', () => {
    const resolved = resolveInputs(table, { flags: {}, env: {}, configFile: { path: 'x.yaml', data: { replica: 2 } } });
    expect(resolved.problems).toEqual(['x.yaml: unknown key "replica"; did you mean replicas?']);
  });

  it('every constrained variable has a mirrored HCL validation', () => {
    for (const spec of table) {
      const constrained = spec.choices || spec.pattern || spec.min !== undefined || spec.maxLength !== undefined;
      if (constrained) expect(hclValidations(spec).length, spec.name).toBeGreaterThan(0);
    }
  });
});
