// Refused calls cost a rate-limit token like any other, and past the limit their audit lines keep no
// arguments: a caller sending invalid or hidden calls (each audited, with up to 16 KiB of arguments)
// as fast as it can could otherwise fill the audit log at its request rate. Real gateway, real audit file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { callRaw, connectHttp, textOf } from '../helpers/mcp-clients.js';
import { tempDir } from '../helpers/temp-dir.js';

const LIMIT = 3;
let gateway: TestGateway;
let auditFile = '';

beforeAll(async () => {
  auditFile = join(tempDir('dmcp-audit-flood-'), 'audit.log');
  gateway = await startTestGateway({ policy_preset: 'read-only', audit_file: auditFile, rate_limit_per_minute: LIMIT });
}, 60_000);
afterAll(async () => {
  await gateway?.stop();
});

const lines = (tool: string): Array<Record<string, unknown>> =>
  readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.tool === tool);

describe('a flood of refused calls', () => {
  it('invalid calls are limited after rate_limit_per_minute, and the limited lines carry no arguments', async () => {
    const client = await connectHttp(gateway);
    try {
      const texts: string[] = [];
      for (let i = 0; i < 8; i++) texts.push(textOf(await callRaw(client, 'container_list', { bogus: 'x'.repeat(10_000) })));
      expect(texts.slice(0, LIMIT).every((t) => /Invalid arguments/.test(t))).toBe(true);
      expect(texts.slice(LIMIT).every((t) => /rate_limit_per_minute/.test(t))).toBe(true);
      const audited = lines('container_list');
      expect(audited.map((l) => l.outcome)).toEqual([...Array<string>(LIMIT).fill('error'), ...Array<string>(8 - LIMIT).fill('limited')]);
      for (const line of audited.slice(LIMIT)) {
        expect(line.arguments).toEqual({ '[not recorded]': 'rate limited' });
        expect(JSON.stringify(line).length).toBeLessThan(1000);
      }
    } finally {
      await client.close();
    }
  });

  it('probing a hidden (admin) tool costs a token too; past the limit its denied lines carry no arguments', async () => {
    // A fresh identity's bucket is not what matters here: the same loopback identity has spent it above.
    const client = await connectHttp(gateway);
    try {
      for (let i = 0; i < 3; i++) await client.callTool({ name: 'container_remove', arguments: { container: `probe-${i}-${'p'.repeat(5000)}` } }).catch(() => undefined);
      const probes = lines('container_remove');
      expect(probes).toHaveLength(3);
      for (const line of probes) {
        expect(line).toMatchObject({ outcome: 'denied', decision: { rule: 'hidden_tool' } });
        expect(line.arguments).toEqual({ '[not recorded]': 'rate limited' });
      }
    } finally {
      await client.close();
    }
  });
});
