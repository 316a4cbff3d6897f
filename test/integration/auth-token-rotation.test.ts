// Rotating the bearer tokens Secret without restarting the gateway (issue 15, item 8). A real
// `docker-mcp serve` process reads auth_tokens_file from a directory laid out exactly like a kubelet
// Secret volume (`..<timestamp>/tokens`, `..data` symlink, `tokens -> ..data/tokens`); the test
// rotates it the kubelet's way (new directory, atomic rename of `..data_tmp` over `..data`) and checks:
// - the new token works and the old one gets 401 within the reload interval;
// - what the old token opened ends: its Streamable HTTP session (next call 401 with the old token,
//   404 with the new one), its WebSocket (closed with 1008), a call running on its session and a
//   plain /mcp/call still running (both cut);
// - an unchanged token's session and WebSocket go on untouched;
// - an invalid rotation (bad YAML, schema error, empty list, short token) or a missing file keeps the
//   previous tokens and logs one error line with no secret material, counted in
//   docker_mcp_auth_tokens_reload_total{result};
// - auth_tokens_reload_seconds=0 turns reloading off.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTickingContainer, testDocker, testEnv } from '../helpers/env.js';
import { spawnGateway, type GatewayProcess } from '../helpers/gateway-process.js';
import { metricValue } from '../helpers/gateway.js';
import { kubeletSecret, type KubeletSecret } from '../helpers/kubelet-secret.js';
import { openHttpSession, openWs, until } from '../helpers/raw-mcp.js';

const RELOAD_SECONDS = 1;
// One interval, the reloader's settle read (250 ms) and slack for a loaded CI machine.
const WITHIN_MS = RELOAD_SECONDS * 1000 + 250 + 1_500;
const PROTOCOL = '2025-06-18';

interface Entry { name: string; scope: 'read' | 'operate' | 'admin'; token: string }
const newToken = (): string => randomBytes(20).toString('hex');
const yamlOf = (entries: Entry[]): string =>
  `tokens:\n${entries.map((e) => `  - name: ${e.name}\n    scope: ${e.scope}\n    token: "${e.token}"\n`).join('')}`;
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Status of a plain /mcp/call with this token: 200 when it is accepted, 401 when not. */
async function callStatus(url: string, token: string): Promise<number> {
  const res = await fetch(`${url}/mcp/call`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ method: 'container_list', params: {} }),
  });
  await res.text();
  return res.status;
}

/** One tools/call on a Streamable HTTP session; `settled` is the status and body, or the error. */
function sessionCall(url: string, token: string, sessionId: string, name: string, args: Record<string, unknown>, id: number): Promise<{ status: number; body: string }> {
  return fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': PROTOCOL,
      'Mcp-Session-Id': sessionId, Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
  }).then(
    async (res) => ({ status: res.status, body: await res.text().catch((error: unknown) => `body cut: ${String(error)}`) }),
    (error: unknown) => ({ status: 0, body: `request failed: ${String(error)}` }),
  );
}

function logLines(gateway: GatewayProcess): Array<Record<string, unknown>> {
  return gateway.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const reloadErrors = (gateway: GatewayProcess): Array<Record<string, unknown>> =>
  logLines(gateway).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('auth_tokens_file reload refused'));

async function reloads(gateway: GatewayProcess, result: string): Promise<number> {
  return metricValue(await (await fetch(gateway.metricsUrl)).text(), 'docker_mcp_auth_tokens_reload_total', { result });
}

describe('bearer token rotation through a kubelet-style Secret volume', () => {
  const dirs: string[] = [];
  const spawned: GatewayProcess[] = [];
  const secrets: string[] = [];
  let container: string;

  const start = async (reloadSeconds: number, entries: Entry[]): Promise<{ gateway: GatewayProcess; volume: KubeletSecret }> => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-volume-'));
    dirs.push(dir);
    const volume = kubeletSecret(dir, { tokens: yamlOf(entries) });
    const gateway = await spawnGateway(testEnv.dockerHost, {
      DOCKER_MCP_AUTH_TOKENS_FILE: volume.path('tokens'),
      DOCKER_MCP_AUTH_TOKENS_RELOAD_SECONDS: String(reloadSeconds),
    });
    spawned.push(gateway);
    return { gateway, volume };
  };
  const entry = (name: string, scope: Entry['scope'], token = newToken()): Entry => {
    secrets.push(token);
    return { name, scope, token };
  };
  /** No token, no digest of one and no digest of a tokens file ever reaches the output. */
  const expectNoSecrets = (gateway: GatewayProcess, files: string[]): void => {
    const output = gateway.output();
    for (const secret of [...secrets, ...secrets.map(sha256), ...files.map(sha256)]) expect(output).not.toContain(secret);
  };

  beforeAll(async () => {
    container = await startTickingContainer('rotation');
  });
  afterAll(async () => {
    for (const gateway of spawned) gateway.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await testDocker().getContainer(container).remove({ force: true }).catch(() => undefined);
  });

  it('a rotated Secret takes effect within the interval and ends what the revoked token opened', async () => {
    const alice1 = entry('alice', 'operate');
    const bob = entry('bob', 'read');
    const ci = entry('ci', 'read');
    const before = [alice1, bob, ci];
    const { gateway, volume } = await start(RELOAD_SECONDS, before);
    const bearer = (e: Entry): Record<string, string> => ({ Authorization: `Bearer ${e.token}` });
    expect(await callStatus(gateway.url, alice1.token)).toBe(200);

    // What the old token holds open: a session with a call running on it, and a WebSocket.
    const aliceSession = await openHttpSession(gateway.url, bearer(alice1));
    const running = sessionCall(gateway.url, alice1.token, aliceSession, 'container_logs', { container, follow: true, max_seconds: 60, tail: 1 }, 7);
    const aliceWs = await openWs(gateway.url, bearer(alice1));
    // And a plain /mcp/call still running.
    const legacy = fetch(`${gateway.url}/mcp/call`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...bearer(alice1) },
      body: JSON.stringify({ method: 'container_logs', params: { container, follow: true, max_seconds: 60, tail: 1 } }),
    }).then(
      async (res) => res.text().catch((error: unknown) => `body cut: ${String(error)}`),
      (error: unknown) => `request failed: ${String(error)}`,
    );
    // And an unchanged token's, which must survive the rotation.
    const bobSession = await openHttpSession(gateway.url, bearer(bob));
    const bobWs = await openWs(gateway.url, bearer(bob));
    await new Promise((resolve) => setTimeout(resolve, 300));

    // alice gets a new token, bob keeps his, ci is removed, dave is added.
    const alice2 = entry('alice', 'operate');
    const dave = entry('dave', 'read');
    const after = [alice2, bob, dave];
    const rotated = Date.now();
    volume.update({ tokens: yamlOf(after) });

    await until(async () => (await callStatus(gateway.url, alice1.token)) === 401, WITHIN_MS, 'old token refused');
    expect(Date.now() - rotated).toBeLessThan(WITHIN_MS);
    expect(await callStatus(gateway.url, alice2.token)).toBe(200);
    expect(await callStatus(gateway.url, dave.token)).toBe(200);
    expect(await callStatus(gateway.url, ci.token)).toBe(401);
    expect(await callStatus(gateway.url, bob.token)).toBe(200);

    // The running call was cut (its stream ended without a result), long before its 60 s.
    const cut = await running;
    expect(cut.body).not.toContain('"result"');
    expect(await legacy).not.toContain('"result"');
    expect(Date.now() - rotated).toBeLessThan(WITHIN_MS + 2_000);
    // The old token's session: the next call is refused, and the session is gone for the new token too.
    const refused = await sessionCall(gateway.url, alice1.token, aliceSession, 'container_list', {}, 8);
    expect(refused.status).toBe(401);
    expect((await sessionCall(gateway.url, alice2.token, aliceSession, 'container_list', {}, 9)).status).toBe(404);
    // The old token's WebSocket was closed with 1008 (policy violation).
    expect(await aliceWs.closed).toBe(1008);

    // bob's session and WebSocket go on.
    const bobCall = await sessionCall(gateway.url, bob.token, bobSession, 'container_list', {}, 2);
    expect(bobCall.status).toBe(200);
    expect(bobCall.body).toContain('"result"');
    const bobWsCall = await bobWs.request('tools/call', { name: 'container_list', arguments: {} });
    expect(bobWsCall.result).toBeDefined();
    bobWs.socket.close();

    // One info line names the count and the names; no token or digest anywhere in the output.
    const reloaded = logLines(gateway).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('auth_tokens_file reloaded'));
    expect(reloaded).toHaveLength(1);
    expect(reloaded[0]).toMatchObject({ count: 3, names: ['alice', 'bob', 'dave'], added: ['dave'], removed: ['ci'], changed: ['alice'], ended: 4 });
    expect(await reloads(gateway, 'ok')).toBe(1);
    expectNoSecrets(gateway, [yamlOf(before), yamlOf(after)]);
  }, 90_000);

  it('an invalid or missing rotation keeps the previous tokens and logs one error without secrets', async () => {
    const alice = entry('alice', 'operate');
    const bob = entry('bob', 'read');
    const { gateway, volume } = await start(RELOAD_SECONDS, [alice, bob]);
    const files: string[] = [yamlOf([alice, bob])];
    const eve = entry('eve', 'admin');
    const short = entry('eve', 'admin', 'short-secret-15');
    const cases: Array<{ what: string; payload: Record<string, string>; result: string; says: RegExp; unusable: string[] }> = [
      { what: 'bad YAML', payload: { tokens: `tokens:\n  - name: eve\n    scope: admin\n    token: "${eve.token}\n` }, result: 'invalid', says: /not valid YAML/, unusable: [eve.token] },
      { what: 'schema error', payload: { tokens: yamlOf([alice, { ...eve, scope: 'root' as Entry['scope'] }]) }, result: 'invalid', says: /tokens\.1\.scope/, unusable: [eve.token] },
      { what: 'empty token list', payload: { tokens: 'tokens: []\n' }, result: 'invalid', says: /lists no tokens/, unusable: [] },
      { what: 'token under 16 characters', payload: { tokens: yamlOf([alice, short]) }, result: 'invalid', says: /at least 16 characters/, unusable: [short.token] },
      { what: 'missing file (key dropped from the Secret)', payload: {}, result: 'missing', says: /no such file/, unusable: [] },
    ];
    for (const c of cases) {
      files.push(...Object.values(c.payload));
      const errorsBefore = reloadErrors(gateway).length;
      const countBefore = await reloads(gateway, c.result);
      volume.update(c.payload);
      await until(async () => (await reloads(gateway, c.result)) === countBefore + 1, WITHIN_MS, `${c.what}: reload refused`);
      // The previous set is still in force, and nothing from the bad file is.
      expect(await callStatus(gateway.url, alice.token), c.what).toBe(200);
      expect(await callStatus(gateway.url, bob.token), c.what).toBe(200);
      for (const token of c.unusable) expect(await callStatus(gateway.url, token), c.what).toBe(401);
      // Reported once, not at every interval.
      await new Promise((resolve) => setTimeout(resolve, 2.5 * RELOAD_SECONDS * 1000));
      const errors = reloadErrors(gateway).slice(errorsBefore);
      expect(errors, c.what).toHaveLength(1);
      expect(errors[0]!.level, c.what).toBe(50);
      expect(errors[0]!.msg, c.what).toMatch(/keeping the previous 2 tokens/);
      expect(errors[0]!.msg, c.what).toMatch(c.says);
      expect(await reloads(gateway, c.result), c.what).toBe(countBefore + 1);
    }
    expect(await reloads(gateway, 'ok')).toBe(0);

    // A good file after the bad ones is applied.
    const fixed = [alice, bob, eve];
    files.push(yamlOf(fixed));
    volume.update({ tokens: yamlOf(fixed) });
    await until(async () => (await callStatus(gateway.url, eve.token)) === 200, WITHIN_MS, 'fixed file applied');
    expect(await reloads(gateway, 'ok')).toBe(1);
    expectNoSecrets(gateway, files);
  }, 120_000);

  it('auth_tokens_reload_seconds=0 keeps the tokens loaded at start', async () => {
    const old = entry('alice', 'operate');
    const { gateway, volume } = await start(0, [old]);
    const next = entry('alice', 'operate');
    volume.update({ tokens: yamlOf([next]) });
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await callStatus(gateway.url, old.token)).toBe(200);
    expect(await callStatus(gateway.url, next.token)).toBe(401);
  });
});
