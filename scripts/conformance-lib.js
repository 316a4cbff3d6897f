// The pure half of scripts/conformance.js: reading our expected-failures files, judging a run against
// them, and writing the summary. Plain JS (it runs before anything is compiled); types in
// conformance-lib.d.ts so the unit test (test/unit/conformance-expected-failures.test.ts) can use it.
//
// Why we judge a run ourselves as well as passing --expected-failures to the suite: with
// --requirements the suite applies the baseline to *scored* scenarios only, so a pending scenario
// (http-header-validation) or an extension could regress or start passing unseen. judge() applies
// the suite's own rules (README "Expected Failures", and its dist: a check that is FAILURE or
// WARNING fails; a whole-scenario entry that passes is stale; a per-check entry is stale only when
// that check succeeded, absent or skipped is tolerated) to every scenario that ran.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** The suite version we pin (exact: scenarios and check ids move between alphas) and the revisions we run. */
export const SUITE_VERSION = '0.2.0-alpha.12';
export const REVISIONS = ['2025-11-25', '2026-07-28'];

/** Section headings in an expected-failures file (a YAML comment line that starts with one of these). */
export const SECTIONS = {
  notApplicable: "does not apply: needs the suite's own tools",
  notYet: 'not yet: issue 18 migration',
};

const ENTRY_LINE = /^\s*-\s*([^\s#]+)\s*(?:#\s*(.*))?$/;
const COMMENT_LINE = /^\s*#\s?(.*)$/;

/**
 * Entries of an expected-failures file with the section they sit under and why they are there: the
 * entry's own trailing comment, else the comment block above it (a block explains the entries that
 * follow it, up to the next block). The suite reads the same file with a YAML parser; the unit test
 * checks that both see the same entries.
 */
export function readBaseline(text) {
  const entries = [];
  let section;
  let block = [];
  let blockOpen = false;
  for (const line of text.split('\n')) {
    const comment = COMMENT_LINE.exec(line);
    if (comment) {
      const body = comment[1].trim();
      const heading = Object.entries(SECTIONS).find(([, title]) => body.replace(/^[=\-\s]+/, '').startsWith(title));
      if (heading) {
        section = heading[0];
        block = [];
        blockOpen = false;
        continue;
      }
      if (!blockOpen) block = [];
      blockOpen = true;
      if (body) block.push(body);
      continue;
    }
    blockOpen = false;
    const entry = ENTRY_LINE.exec(line);
    if (!entry) continue;
    const name = entry[1];
    const colon = name.indexOf(':');
    entries.push({
      entry: name,
      scenario: colon < 0 ? name : name.slice(0, colon),
      ...(colon < 0 ? {} : { checkId: name.slice(colon + 1) }),
      section,
      why: (entry[2] ?? block.join(' ')).trim(),
    });
  }
  return entries;
}

const failing = (check) => check.status === 'FAILURE' || check.status === 'WARNING';
const SEVERITY = ['FAILURE', 'WARNING', 'SUCCESS', 'SKIPPED', 'INFO'];

/** One verdict per check id, most severe first (the suite collapses repeated ids the same way). */
function collapse(checks) {
  const byId = new Map();
  for (const check of checks) {
    const seen = byId.get(check.id);
    if (!seen || SEVERITY.indexOf(check.status) < SEVERITY.indexOf(seen.status)) byId.set(check.id, check);
  }
  return [...byId.values()];
}

/** results: [{ scenario, checks }]; entries: readBaseline(). */
export function judge(results, entries) {
  const wholeScenario = new Set(entries.filter((e) => !e.checkId).map((e) => e.scenario));
  const perCheck = new Map();
  for (const e of entries.filter((x) => x.checkId)) {
    perCheck.set(e.scenario, (perCheck.get(e.scenario) ?? new Set()).add(e.checkId));
  }
  const unexpected = [];
  const stale = [];
  const expected = [];
  for (const { scenario, checks } of results) {
    if (wholeScenario.has(scenario)) {
      (checks.some(failing) ? expected : stale).push(scenario);
      continue;
    }
    const ids = perCheck.get(scenario);
    const verdicts = collapse(checks);
    for (const check of verdicts.filter(failing)) {
      (ids?.has(check.id) ? expected : unexpected).push(`${scenario}:${check.id}`);
    }
    for (const id of ids ?? []) {
      if (verdicts.find((c) => c.id === id)?.status === 'SUCCESS') stale.push(`${scenario}:${id}`);
    }
  }
  return { unexpected, stale, expected };
}

/**
 * Reads a `conformance server -o DIR` output: one folder per scenario, each with checks.json. A
 * scenario that threw writes its folder but no checks.json, and one that never ran has neither; the
 * suite counts both as a failed check named after the scenario, and so do we.
 */
export function readResults(dir, scenarios) {
  const folders = existsSync(dir) ? readdirSync(dir).sort() : [];
  const scenarioOf = (folder) => folder.replace(/^server-/, '').replace(/-\d{4}-\d\d-\d\dT[\d-]+Z$/, '');
  return scenarios.map((scenario) => {
    const folder = folders.find((f) => scenarioOf(f) === scenario);
    const file = folder && join(dir, folder, 'checks.json');
    if (file && existsSync(file)) return { scenario, checks: JSON.parse(readFileSync(file, 'utf8')) };
    const errorMessage = folder ? 'the scenario threw before writing checks.json (see the log)' : 'the scenario did not run';
    return { scenario, checks: [{ id: scenario, name: scenario, status: 'FAILURE', errorMessage }] };
  });
}

/** Scenario names per leg in one of the suite's requirements/<revision>.yaml files (scored and not). */
export function requiredScenarios(requirements) {
  const notScored = (requirements.not_scored ?? []).filter((n) => n.leg === 'server');
  return {
    scored: [...(requirements.server ?? [])],
    notScored: notScored.map((n) => ({ scenario: n.scenario, reason: n.reason })),
  };
}

const count = (checks, status) => checks.filter((c) => c.status === status).length;

/**
 * One markdown table row per scenario: how many checks passed/failed/warned, whether it is scored
 * for the revision, and what our baseline says about it.
 */
export function summaryTable(results, entries, scenarios) {
  const notScored = new Map(scenarios.notScored.map((n) => [n.scenario, n.reason]));
  const rows = ['| scenario | scored | pass | fail | warn | verdict |', '|---|---|---|---|---|---|'];
  for (const { scenario, checks } of results) {
    const mine = entries.filter((e) => e.scenario === scenario);
    const { unexpected, stale } = judge([{ scenario, checks }], mine);
    const failingIds = new Set(collapse(checks).filter(failing).map((c) => c.id));
    const matched = mine.filter((e) => !e.checkId || failingIds.has(e.checkId));
    const sections = [...new Set(matched.map((e) => (e.section === 'notYet' ? 'not yet' : 'does not apply')))];
    const verdict = unexpected.length
      ? `**unexpected**: ${unexpected.map((u) => u.split(':')[1] ?? u).join(', ')}`
      : stale.length
        ? `**stale entry**: ${stale.join(', ')}`
        : mine.length && collapse(checks).some(failing)
          ? `expected (${sections.join(' + ')})`
          : 'pass';
    const scored = notScored.has(scenario) ? `no (${notScored.get(scenario)})` : 'yes';
    rows.push(`| ${scenario} | ${scored} | ${count(checks, 'SUCCESS')} | ${count(checks, 'FAILURE')} | ${count(checks, 'WARNING')} | ${verdict} |`);
  }
  return rows.join('\n');
}
