// Types for scripts/conformance-lib.js (plain JS: npm run conformance runs it without a compile step).
export const SUITE_VERSION: string;
export const REVISIONS: string[];
export const SECTIONS: { notApplicable: string; notYet: string };

export interface BaselineEntry {
  /** As written: `<scenario>` or `<scenario>:<check-id>`. */
  entry: string;
  scenario: string;
  checkId?: string;
  section: keyof typeof SECTIONS | undefined;
  /** The entry's trailing comment, else the comment block above it. */
  why: string;
}
export interface Check {
  id: string;
  status: 'SUCCESS' | 'FAILURE' | 'WARNING' | 'SKIPPED' | 'INFO';
  name?: string;
  errorMessage?: string;
}
export interface ScenarioResult {
  scenario: string;
  checks: Check[];
}
export interface RevisionScenarios {
  scored: string[];
  notScored: { scenario: string; reason: string }[];
}

export function readBaseline(text: string): BaselineEntry[];
export function judge(
  results: ScenarioResult[],
  entries: Pick<BaselineEntry, 'scenario' | 'checkId'>[],
): { unexpected: string[]; stale: string[]; expected: string[] };
export function readResults(dir: string, scenarios: string[]): ScenarioResult[];
export function requiredScenarios(requirements: unknown): RevisionScenarios;
export function summaryTable(results: ScenarioResult[], entries: BaselineEntry[], scenarios: RevisionScenarios): string;
