// Client configs point at what a laptop can reach (issue 16 item 7): without a domain, the loopback end
// of the `kubectl port-forward` written beside them, whose namespace, Service, port and context are
// the rendered Service's and the recorded ones; with a domain, the tunnel URL; for --target docker,
// the port compose.yaml publishes on 127.0.0.1. Never the in-cluster Service URL, which resolves only
// inside the cluster. NOTES.md and clients/README.md say which URL was rendered and why.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPlan, type RenderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

const kube = (data: Record<string, unknown>): RenderPlan =>
  renderPlan(configFrom(data), table, { format: 'both', singleFile: false, version: VERSION });
const docker = (data: Record<string, unknown>): RenderPlan =>
  renderPlan(configFrom(data), table, { target: 'docker', format: 'both', singleFile: false, version: VERSION });
const file = (plan: RenderPlan, path: string): string => {
  const found = plan.files.find((f) => f.path === path);
  if (!found) throw new Error(`${path} not rendered`);
  return found.contents;
};

/** Every URL a client config or script in clients/ would connect to (README.md only explains them). */
function clientUrls(plan: RenderPlan): string[] {
  const text = plan.files.filter((f) => f.path.startsWith('clients/') && f.path !== 'clients/README.md').map((f) => f.contents).join('\n');
  return [...new Set([...text.matchAll(/https?:\/\/[^\s"'\\]+/g)].map((m) => m[0].replace(/\/(health|mcp\/call)$/, '/mcp')))];
}

interface Forward { kubectlFlags: string[]; namespace: string; service: string; local: number; remote: number }

/** Parses `kubectl [flags] -n <ns> port-forward svc/<name> <local>:<remote>` out of a text. */
function portForwards(text: string): Forward[] {
  return [...text.matchAll(/kubectl((?: --[a-z]+ \S+)*) -n (\S+) port-forward svc\/(\S+) (\d+):(\d+)/g)].map((m) => ({
    kubectlFlags: m[1]!.trim().split(/\s+/).filter(Boolean),
    namespace: m[2]!, service: m[3]!, local: Number(m[4]), remote: Number(m[5]),
  }));
}

type Service = { metadata: { name: string; namespace: string }; spec: { ports: { name: string; port: number }[] } };

describe('kubernetes target without a domain', () => {
  const plan = kube({ namespace: 'tools', project_name: 'lab', port: 8181, kube_context: 'kind-lab' });
  const service = parse(file(plan, 'kubernetes/service.yaml')) as Service;

  it('renders only the loopback end of a port-forward, never the in-cluster URL', () => {
    expect(clientUrls(plan)).toEqual(['http://127.0.0.1:8181/mcp']);
    const all = plan.files.filter((f) => f.path.startsWith('clients/') && f.path !== 'clients/README.md').map((f) => f.contents).join('\n');
    expect(all).not.toContain('svc.cluster.local');
    // Loopback: no --allow-insecure for the stdio bridge.
    expect(file(plan, 'clients/claude-desktop.json')).not.toContain('--allow-insecure');
  });

  it('the port-forward command beside them targets the rendered Service, its http port and the recorded context', () => {
    const http = service.spec.ports.find((p) => p.name === 'http')!;
    for (const path of ['NOTES.md', 'clients/README.md', 'clients/curl.sh', 'clients/claude-code.sh']) {
      const found = portForwards(file(plan, path));
      expect(found.length, path).toBeGreaterThan(0);
      for (const f of found) {
        expect(f, path).toEqual({ kubectlFlags: ['--context', 'kind-lab'], namespace: service.metadata.namespace, service: service.metadata.name, local: 8181, remote: http.port });
      }
    }
    expect(service.metadata).toMatchObject({ name: 'lab-docker-mcp-gateway', namespace: 'tools' });
  });

  it('NOTES.md and clients/README.md say which URL was rendered and why', () => {
    for (const path of ['NOTES.md', 'clients/README.md']) {
      const text = file(plan, path);
      expect(text, path).toMatch(/client configs use http:\/\/127\.0\.0\.1:8181\/mcp, the local end of `kubectl/);
      expect(text, path).toContain('no domain was given (domain_suffix is empty)');
      expect(text, path).toContain('--domain-suffix');
    }
  });

  it('without a recorded context the command has no --context, and a kubeconfig path is passed on', () => {
    const other = kube({ kube_context: '', kubeconfig_path: '/etc/kube/lab.yaml' });
    const [f] = portForwards(file(other, 'clients/README.md'));
    expect(f?.kubectlFlags).toEqual(['--kubeconfig', '/etc/kube/lab.yaml']);
  });
});

describe('kubernetes target with a domain', () => {
  const plan = kube({ domain_suffix: 'example.com', tunnel_hostname: 'mcp' });

  it('renders the tunnel URL and says so, with the port-forward as the way around it', () => {
    expect(clientUrls(plan)).toEqual(['https://mcp.example.com/mcp']);
    for (const path of ['NOTES.md', 'clients/README.md']) {
      expect(file(plan, path), path).toContain('client configs use the tunnel URL https://mcp.example.com/mcp');
      expect(portForwards(file(plan, path)).length, path).toBeGreaterThan(0);
    }
  });
});

describe('docker target', () => {
  it('renders the port compose.yaml publishes on 127.0.0.1, which is the gateway\'s own port', () => {
    const plan = docker({ port: 8282 });
    const compose = parse(file(plan, 'compose.yaml')) as { services: { gateway: { ports: string[]; environment: Record<string, string> } } };
    const [binding] = compose.services.gateway.ports;
    const [, hostIp, hostPort, containerPort] = /^([\d.]+):(\d+):(\d+)$/.exec(binding!)!;
    expect(compose.services.gateway.environment.DOCKER_MCP_PORT).toBe(containerPort);
    expect(clientUrls(plan)).toEqual([`http://${hostIp}:${hostPort}/mcp`]);
    expect(file(plan, 'clients/README.md')).toContain('publishes the gateway\'s port 8282 on 127.0.0.1 of the Docker host');
    expect(file(plan, 'NOTES.md')).toContain('client configs use http://127.0.0.1:8282/mcp');
  });
});
