// Servers of nfs and cifs volumes of the local driver. dockerd mounts them itself when a container
// using the volume starts: it resolves a host name in `o=addr=…` with the HOST's resolver and passes
// the address to the kernel, which connects from the host's network namespace — as does the cifs
// kernel client to the `//host/share` of `device` when no address option is given. So
// `addr=127.0.0.1` reached services on the host's loopback and `addr=169.254.169.254` the cloud
// metadata service, which no container on a bridge network reaches. Every server address must be
// an IP literal (a name is resolved where the gateway cannot judge it) outside the loopback,
// link-local and unspecified ranges, judged like registry hosts (registry-hosts.ts).
import { isIPv6 } from 'node:net';
import { PolicyDenial } from './body.js';
import { literalLocalReason } from './registry-hosts.js';

/** Mount options whose value is an address the kernel connects to (nfs: addr, mountaddr; cifs: addr, ip). */
const ADDRESS_OPTIONS = new Set(['addr', 'mountaddr', 'ip']);

const isIPv4Literal = (host: string): boolean => /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/.test(host) && host.split('.').every((p) => Number(p) <= 255);

/** Why the host is not a server address the policy accepts, or undefined. */
function serverProblem(host: string, where: string): string | undefined {
  const bare = host.trim().replace(/^\[(.*)\]$/, '$1');
  const local = literalLocalReason(bare.includes(':') ? `[${bare}]` : bare);
  if (local) return `${where}${host}: ${local}, so the Docker host would connect to itself`;
  if (!isIPv4Literal(bare) && !isIPv6(bare)) return `${where}"${host}" is not an IP address (dockerd would resolve it on the Docker host)`;
  return undefined;
}

/**
 * For nfs/nfs4/cifs volume options (type, o, device already lower-cased keys): why a server they
 * name is on the Docker host or cannot be judged, or undefined.
 */
export function networkVolumeServerProblem(type: string, o: string, device: string): string | undefined {
  let addressGiven = false;
  for (const option of o.split(',')) {
    const eq = option.indexOf('=');
    if (eq < 0) continue;
    const key = option.slice(0, eq).trim().toLowerCase();
    if (!ADDRESS_OPTIONS.has(key)) continue;
    addressGiven = true;
    const problem = serverProblem(option.slice(eq + 1), `option ${key}=`);
    if (problem) return problem;
  }
  const dev = device.trim();
  if (type === 'cifs') {
    // //server/share: without an address option the kernel resolves and connects to this host.
    const host = /^(?:\/\/|\\\\)([^/\\]*)/.exec(dev)?.[1] ?? '';
    const local = literalLocalReason(host.includes(':') ? `[${host}]` : host);
    if (local) return `device host ${host}: ${local}, so the Docker host would connect to itself`;
    if (!addressGiven) return serverProblem(host, 'device host ') && `device host "${host}" is not an IP address; give the server's address in o=addr=…`;
    return undefined;
  }
  // nfs "host:/path": the kernel connects to addr=, but refuse a local host here too (a mount helper would use it).
  const host = dev.includes(':/') ? dev.slice(0, dev.lastIndexOf(':/')).replace(/^\[(.*)\]$/, '$1') : '';
  const local = host ? literalLocalReason(host.includes(':') ? `[${host}]` : host) : undefined;
  return local ? `device host ${host}: ${local}, so the Docker host would connect to itself` : undefined;
}

/** Throws (rule volume-server) when local-driver options mount a network share served by the Docker host. */
export function assertVolumeServers(options: Record<string, unknown>, where: string): void {
  const lower = new Map(Object.entries(options).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const type = (lower.get('type') ?? '').trim().toLowerCase();
  if (type === 'tmpfs') return;
  const problem = networkVolumeServerProblem(type, lower.get('o') ?? '', lower.get('device') ?? '');
  if (problem) {
    throw new PolicyDenial('volume-server', `${where}: ${problem}.`,
      'Give the file server by its IP address (o=addr=<ip>); servers on the Docker host itself (loopback, link-local such as the cloud metadata service, unspecified) are refused.');
  }
}
