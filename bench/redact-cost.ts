// What the one redaction (src/gateway/audit/redact.ts) costs on the largest results a call returns:
// a 1000-container container_list (structured + text), 1 MiB of ordinary log lines, and 1 MiB of
// text built to be expensive. Run: node --import tsx bench/redact-cost.ts (prints; writes nothing).
// Compare with JSON.stringify of the same result, which every transport pays anyway.
import { redactText, redactToolResult } from '../src/gateway/audit/redact.js';

const MIB = 1 << 20;

function time(runs: number, work: () => void): number {
  for (let i = 0; i < 3; i++) work();
  const started = performance.now();
  for (let i = 0; i < runs; i++) work();
  return (performance.now() - started) / runs;
}

const containers = Array.from({ length: 1000 }, (_, i) => ({
  id: i.toString(16).padStart(64, 'a'), name: `app-${i}`, image: 'registry.example.com/team/app:1.2.3',
  command: `/docker-entrypoint.sh nginx -g 'daemon off;' --port ${8000 + i}`, created: '2026-12-07T17:50:43.000Z', state: 'running',
  status: 'Up 3 hours (healthy)', ports: [`0.0.0.0:${8000 + i}->80/tcp`],
  labels: {
    'com.docker.compose.project': 'stack', 'com.docker.compose.service': `svc${i % 20}`, 'com.docker.compose.version': '2.29.1',
    'com.docker.compose.config-hash': 'f'.repeat(64), 'com.docker.compose.container-number': '1', 'com.docker.compose.oneoff': 'False',
    'com.docker.compose.project.working_dir': '/srv/stack', 'traefik.enable': 'true', 'traefik.http.routers.x.rule': 'Host(`x.example.com`)',
    'org.opencontainers.image.source': 'https://github.com/x/y',
  },
}));
const table = containers.map((c) => [c.id.slice(0, 12), c.name, c.image, c.state, c.status, c.ports.join(', ')].join('  ')).join('\n');
const list = { content: [{ type: 'text' as const, text: table }], structuredContent: { containers, total: 1000, truncated: false } };

const lines: string[] = [];
for (let size = 0, n = 0; size < MIB; n++) {
  const line = `2026-12-07T17:50:43.${String(n % 1000).padStart(3, '0')}Z INFO [worker-${n % 8}] GET /api/v1/items/${n} 200 12ms user=alice msg="request handled"`;
  lines.push(line);
  size += line.length + 1;
}
const log = lines.join('\n');
const logs = { content: [{ type: 'text' as const, text: log }], structuredContent: { logs: log, truncated: false } };

console.log(`container_list, 1000 containers (${JSON.stringify(list).length} bytes): redaction ${time(20, () => redactToolResult(list)).toFixed(1)} ms, ` +
  `JSON.stringify ${time(20, () => JSON.stringify(list)).toFixed(1)} ms`);
console.log(`container_logs, 1 MiB in text and structured: redaction ${time(10, () => redactToolResult(logs)).toFixed(1)} ms`);
const hostile: Record<string, string> = {
  'eyJ…': 'eyJ'.repeat(MIB / 3), '--token ': '--token '.repeat(MIB / 8), 'http://a:b': 'http://a:b'.repeat(MIB / 10),
  '"PASSWORD=': '"PASSWORD='.repeat(MIB / 10), '-----BEGIN ': '-----BEGIN '.repeat(MIB / 11), 'one word': 'a'.repeat(MIB),
};
for (const [name, text] of Object.entries(hostile)) console.log(`1 MiB of ${JSON.stringify(name)}: ${time(3, () => redactText(text)).toFixed(0)} ms`);
