// `docker-mcp doctor`: the checks a person would otherwise do by hand, each with the fix.
import { CoreV1Api, VersionApi, type KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { promises as dns } from 'node:dns';
import { existsSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { docPath } from '../shared/docs-path.js';
import { ExitCode, type ExitCodeValue } from '../shared/errors.js';
import { ingressFacts } from './ingress-check.js';
import { reachCheck } from './ingress-reach.js';
import { FIELD_MANAGER, INSTANCE, MANAGED_BY, KubeConfigError, apiError, loadKubeConfig, statusCode, type KubeOptions } from './kube.js';
import { checkExternal, gatewayReady } from './rollout.js';
import { terraformVersion } from './terraform.js';

export interface Check {
  id: string;
  title: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export interface DoctorOptions extends KubeOptions {
  namespace: string;
  instance?: string;
  terraformDir?: string;
  cloudflaredConfig?: string;
  hostname?: string;
  url?: string;
  socket?: string;
  json?: boolean;
}

const run = promisify(execFile);

async function kubectlClient(): Promise<Check> {
  try {
    const { stdout } = await run('kubectl', ['version', '--client', '-o', 'json'], { timeout: 10_000 });
    const version = (JSON.parse(stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion ?? 'unknown';
    return { id: 'kubectl', title: 'kubectl installed', status: 'pass', detail: version };
  } catch {
    return { id: 'kubectl', title: 'kubectl installed', status: 'warn', detail: 'kubectl not found (docker-mcp does not need it; the troubleshooting steps do)', fix: 'install kubectl: https://kubernetes.io/docs/tasks/tools/' };
  }
}

async function terraformCheck(): Promise<Check> {
  const version = await terraformVersion();
  if (!version) return { id: 'terraform', title: 'Terraform installed', status: 'warn', detail: 'terraform not found (needed for --target terraform)', fix: 'install Terraform >= 1.0 (https://developer.hashicorp.com/terraform/install) or use --target kubectl' };
  const major = Number(version.split('.')[0]);
  return major >= 1
    ? { id: 'terraform', title: 'Terraform installed', status: 'pass', detail: `Terraform ${version}` }
    : { id: 'terraform', title: 'Terraform installed', status: 'fail', detail: `Terraform ${version} is older than 1.0`, fix: 'upgrade Terraform to 1.0 or later' };
}

async function clusterChecks(opts: DoctorOptions, checks: Check[]): Promise<void> {
  let kc: KubeConfig | undefined;
  try {
    kc = loadKubeConfig(opts);
    await kc.makeApiClient(VersionApi).getCode();
    checks.push({ id: 'kube-context', title: 'Kubernetes context reachable', status: 'pass', detail: `context "${kc.getCurrentContext()}" (${kc.getCurrentCluster()?.server})` });
  } catch (error) {
    // A kubeconfig problem has its own fix; the context/cluster advice is for a cluster that does not answer.
    checks.push(
      error instanceof KubeConfigError
        ? { id: 'kube-context', title: 'Kubernetes context reachable', status: 'fail', detail: error.reason, fix: error.fix }
        : { id: 'kube-context', title: 'Kubernetes context reachable', status: 'fail', detail: apiError(error), fix: `is the cluster running and reachable from here? (\`kubectl --context ${kc?.getCurrentContext() ?? '<name>'} get --raw /version\`; a different cluster: \`kubectl config get-contexts\`, then --context)` },
    );
    return;
  }
  const core = kc.makeApiClient(CoreV1Api);
  try {
    const ns = await core.readNamespace({ name: opts.namespace });
    const level = ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'];
    const fix = `kubectl label namespace ${opts.namespace} pod-security.kubernetes.io/enforce=privileged (a hostPath socket needs it; prefer a namespace of its own over relabelling a shared one)`;
    checks.push(
      level === 'privileged'
        ? { id: 'pod-security', title: 'Namespace Pod Security level', status: 'pass', detail: `${opts.namespace}: enforce=privileged` }
        : level
          ? { id: 'pod-security', title: 'Namespace Pod Security level', status: 'fail', detail: `${opts.namespace}: enforce=${level} rejects the Docker socket hostPath volume`, fix }
          : { id: 'pod-security', title: 'Namespace Pod Security level', status: 'warn', detail: `${opts.namespace} has no enforce label; the cluster default applies`, fix },
    );
  } catch (error) {
    checks.push({ id: 'pod-security', title: 'Namespace Pod Security level', status: statusCode(error) === 404 ? 'warn' : 'fail', detail: `namespace ${opts.namespace}: ${apiError(error)}`, fix: 'apply creates it, labelled enforce=privileged, unless create_namespace is off: then create it and label it pod-security.kubernetes.io/enforce=privileged' });
  }
  const selector = `${MANAGED_BY}=${FIELD_MANAGER}${opts.instance ? `,${INSTANCE}=${opts.instance}` : ''}`;
  let deployment: V1Deployment | undefined;
  try {
    const { AppsV1Api } = await import('@kubernetes/client-node');
    deployment = (await kc.makeApiClient(AppsV1Api).listNamespacedDeployment({ namespace: opts.namespace, labelSelector: selector })).items[0];
  } catch {
    deployment = undefined;
  }
  checks.push(socketGroupCheck(deployment, opts.socket ?? '/var/run/docker.sock'));
  try {
    const services = await core.listNamespacedService({ namespace: opts.namespace, labelSelector: selector });
    const service = services.items[0];
    if (!service) {
      checks.push({ id: 'gateway', title: 'Gateway answers /ready', status: 'skip', detail: `no docker-mcp Service in ${opts.namespace} (${selector})` });
    } else {
      await gatewayReady(kc, { ...service, kind: 'Service', apiVersion: 'v1' });
      checks.push({ id: 'gateway', title: 'Gateway answers /ready', status: 'pass', detail: `service ${service.metadata?.name} via the API server proxy` });
    }
  } catch (error) {
    checks.push({ id: 'gateway', title: 'Gateway answers /ready', status: 'fail', detail: apiError(error), fix: `kubectl -n ${opts.namespace} logs -l ${INSTANCE}${opts.instance ? `=${opts.instance}` : ''} and describe the pod` });
  }
}

function socketGroupCheck(deployment: V1Deployment | undefined, socket: string): Check {
  const title = 'Docker socket group id';
  const groups = deployment?.spec?.template.spec?.securityContext?.supplementalGroups ?? [];
  if (!existsSync(socket)) return { id: 'socket-gid', title, status: 'skip', detail: `${socket} is not on this machine; run doctor on the node (or compare \`stat -c %g ${socket}\` there with the pod's supplementalGroups)` };
  const gid = statSync(socket).gid;
  if (!deployment) return { id: 'socket-gid', title, status: 'skip', detail: `${socket} has gid ${gid}; no docker-mcp Deployment found to compare` };
  const runAsRoot = deployment.spec?.template.spec?.securityContext?.runAsUser === 0;
  if (runAsRoot || groups.includes(gid)) return { id: 'socket-gid', title, status: 'pass', detail: `socket gid ${gid} is in the pod's supplementalGroups` };
  return { id: 'socket-gid', title, status: 'fail', detail: `socket gid ${gid} is not in supplementalGroups [${groups.join(', ')}]: Docker calls will get "permission denied"`, fix: `re-run docker-mcp init with socket_gid=${gid} (or add ${gid} to the pod's securityContext.supplementalGroups)` };
}

async function tunnelChecks(opts: DoctorOptions, checks: Check[]): Promise<void> {
  const path = opts.cloudflaredConfig ?? opts.terraformDir;
  if (!path) {
    checks.push({ id: 'catch-all', title: 'cloudflared catch-all rule last', status: 'skip', detail: 'pass --terraform-dir or --cloudflared-config to check the tunnel ingress' });
    return;
  }
  // The full hostname when --hostname gave it (a lookalike rule of another zone is not ours), else
  // only the label init uses by default.
  const facts = await ingressFacts(path, opts.hostname ?? 'docker-mcp').catch((e: Error) => e.message);
  if (typeof facts === 'string') {
    checks.push({ id: 'catch-all', title: 'cloudflared catch-all rule last', status: 'fail', detail: facts, fix: `see ${docPath('existing-repo.md')} for the expected layout` });
    return;
  }
  checks.push(
    facts.catchAllLast === null
      ? { id: 'catch-all', title: 'cloudflared catch-all rule last', status: 'skip', detail: `${facts.source}: the catch-all is generated with the rules, so it is not judged here` }
      : facts.catchAllLast
      ? { id: 'catch-all', title: 'cloudflared catch-all rule last', status: 'pass', detail: `${facts.source}: ${facts.ruleCount} rules` }
      : { id: 'catch-all', title: 'cloudflared catch-all rule last', status: 'fail', detail: `${facts.source}: the rule without hostname is not the single last rule`, fix: 'move `service = "http_status:404"` to the end; cloudflared matches top to bottom' },
  );
  const access: Check =
    facts.ruleHasAccess === null
      ? { id: 'access', title: 'Access on the docker-mcp ingress rule', status: 'fail', detail: `no ingress rule for ${opts.hostname ?? 'docker-mcp'} (without a path) in ${facts.source}`, fix: 'docker-mcp init --terraform-dir <repo> adds it' }
      : facts.ruleHasAccess
        ? { id: 'access', title: 'Access on the docker-mcp ingress rule', status: 'pass', detail: 'origin_request.access is set on the rule' }
        : { id: 'access', title: 'Access on the docker-mcp ingress rule', status: 'warn', detail: 'the rule has no origin_request.access: cloudflared will not check Access tokens', fix: 're-run docker-mcp init with Access on (team name and AUD tag)' };
  if (facts.topLevelAccess) access.detail += '; a config-level access block is ignored by cloudflared';
  checks.push(access);
  checks.push(reachCheck(facts));
}

async function dnsCheck(hostname: string | undefined): Promise<Check> {
  if (!hostname) return { id: 'dns', title: 'DNS name resolves', status: 'skip', detail: 'pass --hostname to check' };
  try {
    const addresses = await dns.lookup(hostname, { all: true });
    return { id: 'dns', title: 'DNS name resolves', status: 'pass', detail: `${hostname} -> ${addresses.map((a) => a.address).join(', ')}` };
  } catch (error) {
    return { id: 'dns', title: 'DNS name resolves', status: 'fail', detail: `${hostname}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, fix: 'add the name to the tunnel services list (DNS CNAME to <tunnel id>.cfargotunnel.com) and apply' };
  }
}

export async function runDoctor(opts: DoctorOptions): Promise<{ checks: Check[]; code: ExitCodeValue }> {
  const checks: Check[] = [await terraformCheck(), await kubectlClient()];
  await clusterChecks(opts, checks);
  await tunnelChecks(opts, checks);
  checks.push(await dnsCheck(opts.hostname));
  if (opts.url) {
    try {
      checks.push({ id: 'external', title: 'Gateway reachable through the tunnel', status: 'pass', detail: await checkExternal(opts.url) });
    } catch (error) {
      checks.push({ id: 'external', title: 'Gateway reachable through the tunnel', status: 'fail', detail: (error as Error).message, fix: 'check the ingress rule, DNS and that cloudflared runs' });
    }
  }
  return { checks, code: checks.some((c) => c.status === 'fail') ? ExitCode.failure : ExitCode.ok };
}

const MARK = { pass: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;

export function renderChecks(checks: Check[]): string {
  return checks.map((c) => `[${MARK[c.status]}] ${c.title}: ${c.detail}${c.fix ? `\n       fix: ${c.fix}` : ''}`).join('\n') + '\n';
}
