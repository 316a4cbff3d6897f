// Interactive init never loops (issue 16 item 3, the adversarial review's cases), in a pseudo-terminal:
// a rule broken by flags alone is exit 2 before the first question; a broken rule sends the user only to
// an answer that can fix it, letting them pick which when there are several (the "go back"); a
// re-asked yes/no defaults to the other answer and a refused default is not offered; problems name
// what the user touched. Every variable not under test comes from DOCKER_MCP_INIT_* env.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ensureBuilt } from '../helpers/build.js';
import { CTRL_C, DOWN, ENTER, envExcept, startInit } from '../helpers/pty.js';

let cwd: string;
beforeAll(() => ensureBuilt(), 180_000);
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'dmcp-pty-exits-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

it.each([
  [['--auth-mode', 'none'], '--auth-mode: none is refused'],
  [['--enable-cloudflare-tunnel=false', '--auth-mode', 'cloudflare-access'], '--auth-mode: cloudflare-access needs the Cloudflare Tunnel on'],
  [['--terraform-dir', '.', '--enable-cloudflare-tunnel=false'], '--enable-cloudflare-tunnel/--domain-suffix: --terraform-dir adds the gateway'],
])('init %j: exit 2 before the first question (no answer could fix it)', async (args, problem) => {
  const s = startInit(args, cwd, { XDG_STATE_HOME: join(cwd, 'state') });
  expect(await s.exit).toBe(2);
  expect(s.screen()).toContain(problem);
  expect(s.screen()).not.toMatch(/^\? /m);
}, 60_000);

it('network policy with empty cloudflared labels from docker-mcp.yaml: pick which answer to change (not the namespace, which cannot fix it)', async () => {
  writeFileSync(join(cwd, 'docker-mcp.yaml'), 'enable_network_policy: true\ncloudflared_pod_labels: {}\n');
  const s = startInit([], cwd, envExcept(['namespace', 'enable_network_policy', 'cloudflared_pod_labels', 'cloudflared_namespace']));
  await s.expect(/Kubernetes namespace/);
  s.send(`other${ENTER}`);
  await s.expect(/advanced settings/);
  s.send(ENTER); // declined: the answers file's values are the ones to change
  const menu = await s.expect(/Change which answer\?[\s\S]*Labels of the cloudflared pods.*\(now: empty\)/);
  expect(menu).toContain('! docker-mcp.yaml: cloudflared_pod_labels: empty would let every pod of namespace other reach the gateway');
  expect(menu).toMatch(/Add a NetworkPolicy.*\(now: true\)/);
  expect(menu).toMatch(/Namespace cloudflared runs in.*\(now: empty\)/);
  expect(menu).not.toMatch(/Kubernetes namespace.*\(now:/);
  s.send(`${DOWN}${DOWN}${ENTER}`);
  await s.expect(/\? Labels of the cloudflared pods/);
  s.send(`app.kubernetes.io/name=cloudflared${ENTER}`);
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).toMatch(/cloudflared_pod_labels\s+app\.kubernetes\.io\/name=cloudflared\s+\(prompt\)/);
  s.send(`n${ENTER}`);
  expect(await s.exit, s.screen().slice(-1500)).toBe(3);
}, 60_000);

it('tunnel on, empty domain: go back to the tunnel question, asked with the other answer as default; resumed answers can be changed too', async () => {
  const env = { ...envExcept(['enable_cloudflare_tunnel', 'tunnel_hostname', 'domain_suffix']), XDG_STATE_HOME: join(cwd, 'state') };
  const first = startInit([], cwd, env);
  await first.expect(/Expose through a Cloudflare Tunnel\?/);
  first.send(ENTER);
  await first.expect(/Tunnel host name/);
  first.send(ENTER);
  await first.expect(/Domain/);
  first.send(CTRL_C);
  expect(await first.exit).toBe(130);
  expect(first.screen()).toContain('interrupted; 2 answers saved');

  const s = startInit([], cwd, env);
  await s.expect(/Resume the 2 answers/);
  s.send(ENTER);
  await s.expect(/\? Domain/);
  s.send(ENTER); // empty: taken, then the user picks what to change
  const menu = await s.expect(/Change which answer\?[\s\S]*Domain.*\(now: empty\)/);
  expect(menu).toContain('! prompt "Domain (the tunnel URL is https://<host>.<domain>)": required for the Cloudflare Tunnel');
  expect(menu).toMatch(/Expose through a Cloudflare Tunnel\? \(now: true\)/);
  s.send(ENTER);
  await s.expect(/Expose through a Cloudflare Tunnel\? \(y\/N\)/); // asked again: defaults to no
  s.send(ENTER);
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).toMatch(/enable_cloudflare_tunnel\s+false\s+\(prompt\)/);
  s.send(`n${ENTER}`);
  expect(await s.exit, s.screen().slice(-1500)).toBe(3);
}, 60_000);

it('a CPU request default above the limit just answered is not offered', async () => {
  const s = startInit([], cwd, envExcept(['cpu_limit', 'cpu_request']));
  await s.expect(/advanced settings/);
  s.send(`y${ENTER}`);
  await s.expect(/CPU limit/);
  s.send(`50m${ENTER}`);
  const asked = await s.expect(/\? CPU request:/);
  expect(asked).not.toContain('(100m)');
  s.send(`50m${ENTER}`);
  await s.expect(/Write these \d+ files/);
  s.send(`n${ENTER}`);
  expect(await s.exit).toBe(3);
}, 60_000);

it('port equal to the (never asked) metrics port: the port is asked again without the refused default; the metrics port is named by its flag', async () => {
  const s = startInit([], cwd, envExcept(['port', 'enable_metrics', 'metrics_port', 'enable_service_monitor']));
  await s.expect(/advanced settings/);
  s.send(`y${ENTER}`);
  await s.expect(/Service port/);
  s.send(`9090${ENTER}`);
  await s.expect(/Serve Prometheus metrics/);
  s.send(`n${ENTER}`);
  const again = await s.expect(/\? Service port:/);
  expect(again).toContain('! --metrics-port: must differ from prompt "Service port" (9090)');
  expect(again).not.toMatch(/Service port: \(9090\)/);
  s.send(`8080${ENTER}`);
  await s.expect(/Write these \d+ files/);
  s.send(`n${ENTER}`);
  expect(await s.exit).toBe(3);
}, 60_000);

it('--port equal to the metrics port with metrics off: the metrics port, never asked otherwise, is the way out', async () => {
  const s = startInit(['--port', '9090'], cwd, envExcept(['enable_metrics', 'metrics_port', 'enable_service_monitor']));
  await s.expect(/advanced setting/);
  s.send(`y${ENTER}`);
  await s.expect(/Serve Prometheus metrics/);
  s.send(`n${ENTER}`);
  const asked = await s.expect(/\? Metrics port:/);
  expect(asked).toContain('! --metrics-port: must differ from --port (9090)');
  s.send(`9091${ENTER}`);
  await s.expect(/Write these \d+ files/);
  s.send(`n${ENTER}`);
  expect(await s.exit).toBe(3);
}, 60_000);

it('a ServiceMonitor from env needs metrics: the metrics question defaults to yes, first asked and asked again', async () => {
  const s = startInit([], cwd, envExcept(['enable_metrics'], { DOCKER_MCP_INIT_ENABLE_SERVICE_MONITOR: 'true' }));
  await s.expect(/Review the 1 advanced setting \(/);
  s.send(`y${ENTER}`);
  await s.expect(/Serve Prometheus metrics\? \(Y\/n\)/); // no (the usual default) would be refused
  s.send(`n${ENTER}`);
  const again = await s.expect(/! DOCKER_MCP_INIT_ENABLE_SERVICE_MONITOR[\s\S]*Serve Prometheus metrics\? \(Y\/n\)/);
  expect(again).toContain('! DOCKER_MCP_INIT_ENABLE_SERVICE_MONITOR: needs prompt "Serve Prometheus metrics?"');
  s.send(ENTER);
  const summary = await s.expect(/Write these \d+ files/);
  expect(summary).toMatch(/enable_metrics\s+true\s+\(prompt\)/);
  s.send(`n${ENTER}`);
  expect(await s.exit).toBe(3);
}, 60_000);

it('--target docker: the AUD question does not promise an Access application it will not create', async () => {
  const asked = ['auth_mode', 'cf_access_team', 'cf_access_aud', 'allowed_emails', 'allowed_email_domains'];
  const s = startInit(['--target', 'docker'], cwd, envExcept(asked, { DOCKER_MCP_INIT_DOMAIN_SUFFIX: 'example.com' }));
  await s.expect(/Authentication/);
  s.send(`${DOWN}${ENTER}`);
  await s.expect(/Cloudflare Access team name/);
  s.send(`myteam${ENTER}`);
  const aud = await s.expect(/\? AUD tag of an existing Access application:/);
  expect(aud).not.toContain('empty');
  s.send(ENTER); // empty: taken; the auth mode or the AUD can fix it
  const menu = await s.expect(/Change which answer\?[\s\S]*AUD tag of an existing Access application \(now: empty\)/);
  expect(menu).toContain('required when prompt "Authentication" is cloudflare-access with --target docker');
  // The message quotes the question as it was asked, without the "(empty: …)" it dropped.
  expect(menu).toContain('! prompt "AUD tag of an existing Access application": required');
  expect(menu).not.toContain('(empty:');
  s.send(`${DOWN}${ENTER}`);
  await s.expect(/\? AUD tag of an existing Access application:/);
  s.send(`${'a'.repeat(64)}${ENTER}`);
  await s.expect(/Write these \d+ files/); // the emails feed only an application init creates: not asked
  expect(s.screen()).not.toContain('Emails allowed');
  s.send(CTRL_C);
  expect(await s.exit).toBe(130);
}, 60_000);
