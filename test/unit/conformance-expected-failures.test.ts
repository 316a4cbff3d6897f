// The expected-failures files of `npm run conformance` (test/conformance/) stay honest without
// running the suite: every entry names a scenario the pinned suite has for that revision, sits
// under one of the two sections with a reason, and reads the same to our parser as to the suite's
// YAML parser. Plus the rules scripts/conformance.js judges a run by (the suite's own, applied to
// unscored scenarios too). The run itself is `npm run conformance` (docs/conformance.md).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  judge,
  readBaseline,
  readResults,
  REVISIONS,
  SUITE_VERSION,
  type Check,
  type RevisionScenarios,
} from '../../scripts/conformance-lib.js';
import { repoRoot } from '../helpers/build.js';

const dir = join(repoRoot, 'test', 'conformance');
const snapshot = JSON.parse(readFileSync(join(dir, 'suite-scenarios.json'), 'utf8')) as {
  suite: string;
  revisions: Record<string, RevisionScenarios>;
};
const baselineText = (revision: string): string => readFileSync(join(dir, `expected-failures-${revision}.yaml`), 'utf8');

describe('the conformance expected-failures files', () => {
  it('are checked against the suite version the harness pins', () => {
    expect(snapshot.suite).toBe(SUITE_VERSION);
    expect(Object.keys(snapshot.revisions)).toEqual(REVISIONS);
  });

  describe.each(REVISIONS)('%s', (revision) => {
    const text = baselineText(revision);
    const entries = readBaseline(text);
    const { scored, notScored } = snapshot.revisions[revision]!;
    const known = new Set([...scored, ...notScored.map((n) => n.scenario)]);

    it('name only scenarios the pinned suite runs for this revision', () => {
      expect(entries.length).toBeGreaterThan(0);
      expect(entries.filter((e) => !known.has(e.scenario)).map((e) => e.entry)).toEqual([]);
    });

    it('read the same to the suite (YAML) as to the harness', () => {
      const parsed = parseYaml(text) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['server']);
      expect(parsed.server).toEqual(entries.map((e) => e.entry));
    });

    it('put every entry under a section, with a reason for each one that does not apply', () => {
      expect(entries.filter((e) => !e.section).map((e) => e.entry)).toEqual([]);
      expect(entries.filter((e) => e.section === 'notApplicable' && e.why.length < 20).map((e) => e.entry)).toEqual([]);
    });

    it('list each entry once, and a scenario either whole or per check (the suite rejects both)', () => {
      const names = entries.map((e) => e.entry);
      expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
      const whole = new Set(entries.filter((e) => !e.checkId).map((e) => e.scenario));
      expect(entries.filter((e) => e.checkId && whole.has(e.scenario)).map((e) => e.entry)).toEqual([]);
    });
  });

  it('2025-11-25 has nothing "not yet": every 2025 scenario that applies passes today', () => {
    expect(readBaseline(baselineText('2025-11-25')).filter((e) => e.section === 'notYet')).toEqual([]);
  });

  it('do not excuse as "does not apply" what issue 18 says the gateway must pass', () => {
    // The scenarios that apply to a server like ours (docs/conformance.md): a failure in one of them
    // belongs under "not yet" until fixed, never under "does not apply". Only these four
    // server-stateless checks need the suite's diagnostic tools.
    const mustApply = [
      'server-stateless', 'caching', 'http-header-validation', 'sep-2164-resource-not-found', 'tools-list', 'resources-list',
      'prompts-list', 'completion-complete', 'dns-rebinding-protection', 'server-sse-multiple-streams', 'server-initialize',
      'logging-set-level', 'ping', 'server-session-lifecycle', 'server-sse-polling',
      'input-required-result-unsupported-methods', 'input-required-result-validate-input',
    ];
    const suiteToolsOnly = new Set([
      'server-stateless:sep-2575-server-rejects-undeclared-capability',
      'server-stateless:sep-2575-missing-capability-http-400',
      'server-stateless:sep-2575-http-server-no-independent-requests-on-stream',
      'server-stateless:sep-2575-server-no-log-without-loglevel',
    ]);
    for (const revision of REVISIONS) {
      const excused = readBaseline(baselineText(revision)).filter(
        (e) => e.section === 'notApplicable' && mustApply.includes(e.scenario) && !suiteToolsOnly.has(e.entry),
      );
      expect(excused.map((e) => e.entry), revision).toEqual([]);
    }
  });
});

const check = (id: string, status: Check['status']): Check => ({ id, status });

describe('judging a run against expected failures', () => {
  it('passes expected failures and flags unexpected ones per check', () => {
    const results = [{ scenario: 's', checks: [check('a', 'FAILURE'), check('b', 'WARNING'), check('c', 'SUCCESS')] }];
    expect(judge(results, [{ scenario: 's', checkId: 'a' }])).toEqual({ unexpected: ['s:b'], stale: [], expected: ['s:a'] });
  });

  it('flags a listed check or scenario that now passes as stale', () => {
    const results = [
      { scenario: 's', checks: [check('a', 'SUCCESS')] },
      { scenario: 't', checks: [check('x', 'SUCCESS'), check('y', 'INFO')] },
    ];
    expect(judge(results, [{ scenario: 's', checkId: 'a' }, { scenario: 't' }]).stale).toEqual(['s:a', 't']);
  });

  it('tolerates a listed check that did not run (a scenario that stopped early)', () => {
    const results = [{ scenario: 's', checks: [check('a', 'FAILURE')] }];
    expect(judge(results, [{ scenario: 's', checkId: 'a' }, { scenario: 's', checkId: 'gone' }])).toEqual({
      unexpected: [],
      stale: [],
      expected: ['s:a'],
    });
  });

  it('judges a repeated check id by its worst occurrence', () => {
    const results = [{ scenario: 's', checks: [check('a', 'SUCCESS'), check('a', 'FAILURE')] }];
    expect(judge(results, [{ scenario: 's', checkId: 'a' }])).toEqual({ unexpected: [], stale: [], expected: ['s:a'] });
    expect(judge(results, []).unexpected).toEqual(['s:a']);
  });

  it('counts a scenario that threw or never ran as a failure named after it', () => {
    const out = mkdtempSync(join(tmpdir(), 'dmcp-conf-'));
    try {
      mkdirSync(join(out, 'server-ran-2026-12-08T02-36-21-112Z'));
      writeFileSync(join(out, 'server-ran-2026-12-08T02-36-21-112Z', 'checks.json'), JSON.stringify([check('ok', 'SUCCESS')]));
      mkdirSync(join(out, 'server-threw-2026-12-08T02-36-21-113Z'));
      const results = readResults(out, ['ran', 'threw', 'missing']);
      expect(results.map((r) => [r.scenario, r.checks.map((c) => `${c.id}:${c.status}`)])).toEqual([
        ['ran', ['ok:SUCCESS']],
        ['threw', ['threw:FAILURE']],
        ['missing', ['missing:FAILURE']],
      ]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('reads sections and reasons from the comments', () => {
    const entries = readBaseline(
      [
        'server:',
        "  # ===== does not apply: needs the suite's own tools =====",
        '  # calls test_simple_text',
        '  - tools-call-simple-text:tools-call-simple-text',
        '  - tools-call-image # its own reason',
        '',
        '  # ===== not yet: issue 18 migration =====',
        '  - caching:wire-schema-valid',
      ].join('\n'),
    );
    expect(entries).toEqual([
      { entry: 'tools-call-simple-text:tools-call-simple-text', scenario: 'tools-call-simple-text', checkId: 'tools-call-simple-text', section: 'notApplicable', why: 'calls test_simple_text' },
      { entry: 'tools-call-image', scenario: 'tools-call-image', section: 'notApplicable', why: 'its own reason' },
      { entry: 'caching:wire-schema-valid', scenario: 'caching', checkId: 'wire-schema-valid', section: 'notYet', why: '' },
    ]);
  });
});
