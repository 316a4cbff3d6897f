// What an answer does beyond itself in the interactive run (src/cli/prompts.ts): the remedies it sets
// and undoes (Access turns the tunnel on; backing out of it restores the user's answer), and, at the end,
// the answers later ones made irrelevant, put back so they are neither shown nor written.
import type { ConfigKey } from '../../config/schema.js';
import type { Origin } from '../../config/sources.js';
import type { VarValue } from '../../config/variables.js';
import { failure, relevant, remedy, settle, type FlowState, type Values } from './flow.js';

/**
 * Records `name = value` with what it sets too (remedy), remembering what a remedy overrode; an answer
 * that no longer needs a remedy made for its question restores what the user had (backing out of
 * Access after it turned the tunnel on puts back the user's "no"). The names a remedy changed.
 */
export function answer(s: FlowState, name: string, value: VarValue): string[] {
  const also = remedy(s, name, value);
  const touched: string[] = [];
  for (const [k, v] of Object.entries(also)) {
    if (!s.remedied.has(k)) s.remedied.set(k, { by: name, value: s.values[k], origin: s.origins[k], answered: s.answered.has(k) });
    settle(s, k, v);
    touched.push(k);
  }
  for (const [k, before] of [...s.remedied]) {
    // Still needed (Access again, or both): the remedy stays; judged against the value it overrode.
    if (before.by !== name || k in also || k in remedy({ ...s, values: { ...s.values, [k]: before.value! } }, name, value)) continue;
    s.remedied.delete(k);
    if (before.value === undefined) delete s.values[k];
    else s.values[k] = before.value;
    if (before.origin === undefined) delete s.origins[k];
    else s.origins[k] = before.origin;
    if (!before.answered) s.answered.delete(k);
    touched.push(k);
  }
  settle(s, name, value);
  return touched;
}

/**
 * The answers that no longer matter given the others (the Access team after switching to bearer) are
 * put back to what they were before the questions, so they are neither shown nor written (as resume's
 * usableAnswers drops them). `initial`: the values and origins the run started with.
 */
export function dropIrrelevant(s: FlowState, initial: { values: Values; origins: Record<string, Origin> }): void {
  for (const name of [...s.answered]) {
    if (relevant[name]?.test(s.values) ?? true) continue;
    // Kept when a rule needs it even so (--port 9090 with metrics off: the metrics port answered to fix that).
    const put = { ...s, values: { ...s.values } };
    put.values[name] = name in initial.values ? initial.values[name]! : structuredClone(s.seq.find((x) => x.name === name)!.default);
    if (s.rules.some((rule) => rule.vars.includes(name as ConfigKey) && failure(put, rule, (n) => n) !== undefined)) continue;
    if (name in initial.values) s.values[name] = initial.values[name]!;
    else delete s.values[name];
    if (initial.origins[name] === undefined) delete s.origins[name];
    else s.origins[name] = initial.origins[name];
    s.answered.delete(name);
  }
}
