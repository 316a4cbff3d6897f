// A stand-in Kubernetes API server (NOT a real one; there is no cluster here): just enough of the
// discovery, server-side apply, list, delete, deployment status and service-proxy endpoints for
// the kubectl target's request flow, recording every request for the tests to inspect.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: unknown;
}

type Obj = { apiVersion?: string; kind?: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; generation?: number; resourceVersion?: string }; status?: unknown; spec?: unknown };

const GROUPS: Record<string, { name: string; kind: string }[]> = {
  '/api/v1': [
    { name: 'configmaps', kind: 'ConfigMap' },
    { name: 'secrets', kind: 'Secret' },
    { name: 'services', kind: 'Service' },
    { name: 'serviceaccounts', kind: 'ServiceAccount' },
    { name: 'pods', kind: 'Pod' },
    { name: 'namespaces', kind: 'Namespace' },
  ],
  '/apis/apps/v1': [{ name: 'deployments', kind: 'Deployment' }],
  '/apis/networking.k8s.io/v1': [{ name: 'networkpolicies', kind: 'NetworkPolicy' }],
  '/apis/policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget' }],
  '/apis/rbac.authorization.k8s.io/v1': [
    { name: 'roles', kind: 'Role' },
    { name: 'rolebindings', kind: 'RoleBinding' },
  ],
};

export interface StandIn {
  url: string;
  requests: Recorded[];
  /** Objects by `<group path>/<resource>/<namespace>/<name>`. */
  store: Map<string, Obj>;
  /** How many deployment reads report "not yet available" before reporting ready. */
  rolloutPolls: number;
  namespaceLabels: Record<string, string>;
  kubeconfig(path: string): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
  });
}

export async function startStandInApiServer(): Promise<StandIn> {
  const requests: Recorded[] = [];
  const store = new Map<string, Obj>();
  let rv = 100;
  const state = { rolloutPolls: 1, namespaceLabels: { 'pod-security.kubernetes.io/enforce': 'privileged' } as Record<string, string> };
  const polls = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const text = await readBody(req);
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        /* apply-patch+yaml may be YAML; the client sends JSON */
      }
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], body });
      const send = (code: number, payload: unknown): void => {
        res.writeHead(code, { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json' });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const notFound = (): void => send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', message: `${url.pathname} not found`, code: 404 });
      const p = url.pathname;
      if (p === '/version') return send(200, { major: '1', minor: '31', gitVersion: 'v1.31.0-standin' });
      if (GROUPS[p]) return send(200, { kind: 'APIResourceList', groupVersion: p.replace(/^\/apis?\//, ''), resources: GROUPS[p].map((r) => ({ ...r, namespaced: r.kind !== 'Namespace', verbs: ['get', 'list', 'patch', 'delete'] })) });
      const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy\/(.*)$/.exec(p);
      if (proxy) return proxy[3] === 'health' ? send(200, { status: 'ok', version: '0.1.0' }) : send(200, 'ready');
      const ns = /^\/api\/v1\/namespaces\/([^/]+)$/.exec(p);
      if (ns) return send(200, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns[1], labels: state.namespaceLabels } });
      const m = /^(\/apis?\/(?:[^/]+\/)?v1)\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(p);
      if (!m || !GROUPS[m[1]!]) return notFound();
      const [, group, namespace, resource, name] = m;
      const prefix = `${group}/${resource}/${namespace}/`;
      if (!name && req.method === 'GET') {
        const selector = (url.searchParams.get('labelSelector') ?? '').split(',').filter(Boolean).map((s) => s.split('='));
        const items = [...store.entries()].filter(([k, o]) => k.startsWith(prefix) && selector.every(([lk, lv]) => o.metadata.labels?.[lk!] === lv)).map(([, o]) => o);
        return send(200, { kind: 'List', apiVersion: 'v1', metadata: {}, items });
      }
      const id = prefix + name;
      if (req.method === 'PATCH') {
        const incoming = body as Obj;
        const previous = store.get(id);
        const stored: Obj = { ...incoming, metadata: { ...incoming.metadata, generation: (previous?.metadata.generation ?? 0) + 1, resourceVersion: String(++rv) } };
        if (url.searchParams.get('dryRun') !== 'All') store.set(id, stored);
        return send(200, stored);
      }
      if (req.method === 'DELETE') {
        if (!store.delete(id)) return notFound();
        return send(200, { kind: 'Status', apiVersion: 'v1', status: 'Success' });
      }
      const obj = store.get(id);
      if (!obj) return notFound();
      if (resource === 'deployments') {
        const seen = (polls.get(id) ?? 0) + 1;
        polls.set(id, seen);
        const ready = seen > state.rolloutPolls;
        const want = (obj.spec as { replicas?: number }).replicas ?? 1;
        obj.status = { observedGeneration: obj.metadata.generation, replicas: want, updatedReplicas: want, availableReplicas: ready ? want : 0 };
      }
      return send(200, obj);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    store,
    get rolloutPolls() {
      return state.rolloutPolls;
    },
    set rolloutPolls(n: number) {
      state.rolloutPolls = n;
    },
    get namespaceLabels() {
      return state.namespaceLabels;
    },
    set namespaceLabels(l: Record<string, string>) {
      state.namespaceLabels = l;
    },
    kubeconfig(path: string) {
      writeFileSync(
        path,
        `apiVersion: v1\nkind: Config\ncurrent-context: standin\nclusters:\n- name: standin\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\n` +
          `contexts:\n- name: standin\n  context:\n    cluster: standin\n    user: standin\n    namespace: homelab\n` +
          `- name: other\n  context:\n    cluster: standin\n    user: standin\nusers:\n- name: standin\n  user:\n    token: standin-token\n`,
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
