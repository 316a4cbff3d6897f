// Requests the adversarial suite found breaking the policy on the code of issue 14 (each the exact
// reproduction its bisection named), kept as a fixed list so every run re-checks them even when the
// random stream does not draw them again. Placeholders name this run's world: {{TRAP_PORT}},
// {{HOST_NETWORK_ID}}, {{HOST_NETWORK_PREFIX}}, {{ALLOWED_DIR}}. Add new findings here; never remove one
// because it fails.
import type { Failure } from './adversarial-run.js';
import type { Method } from './adversarial-driver.js';

const probe = (variant: string, method: Method, params: Record<string, unknown>): Failure => ({
  variant, violations: [], request: { seq: 0, via: 'mcp', method, params },
});
const tool = (variant: string, name: string, args: Record<string, unknown>): Failure => probe(variant, 'tools/call', { name, arguments: args });
const prompt = (variant: string, name: string, args: Record<string, string>): Failure => probe(variant, 'prompts/get', { name, arguments: args });

export const KNOWN_PROBES: Failure[] = [
  // Class 2/3: an unclean Engine path, a 301 followed onto the network, the process ends; or SSRF.
  tool('read-only', 'image_inspect', { image: 'rt//busybox' }),
  tool('read-only', 'image_history', { image: 'rt/./busybox' }),
  tool('read-only', 'image_inspect', { image: 'cloudflared/' }),
  prompt('read-only', 'diagnose_container', { container: '../x' }),
  prompt('read-only', 'diagnose_container', { container: '../127.0.0.1:{{TRAP_PORT}}/path' }),
  prompt('read-only', 'review_container_security', { container: '/proc/1/root' }),
  // Class 5: the protected container's token in answers to a read-only caller.
  tool('read-only', 'container_list', { all: true }),
  prompt('read-only', 'reclaim_disk_space', {}),
  // Class 6: exec with gid 0 while allow_exec_root is off.
  tool('operator', 'container_exec', { container: 'web', command: ['id'], user: '65534:0' }),
  tool('operator', 'container_exec', { container: 'web', command: ['id'], user: 'nobody:root' }),
  // Class 4: dockerd fetches a remote ADD source from the host's loopback.
  tool('admin', 'image_build', { dockerfile: 'FROM dmcp-test/busybox:latest\nADD http://127.0.0.1:{{TRAP_PORT}}/x /x', tags: ['dmcp-test/busybox:adv'] }),
  // Class 8: a name the protected glob covers; the host network by id and by id prefix.
  tool('admin', 'container_rename', { container: 'worker', new_name: 'cloudflared-2' }),
  tool('operator', 'container_rename', { container: 'web', new_name: 'CLOUDFLARED' }),
  tool('admin', 'container_create', { image: 'dmcp-test/busybox:latest', name: 'probe-hostnet', network_mode: '{{HOST_NETWORK_ID}}' }),
  tool('admin', 'container_create', { image: 'dmcp-test/busybox:latest', name: 'probe-hostnet12', network_mode: '{{HOST_NETWORK_PREFIX}}' }),
];
