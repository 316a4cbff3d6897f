// The only @inquirer importer. Questions come from the variables table: the basic group first,
// then the advanced group only if the user opts in. Values given by flag or env are not asked.
// The order, the cross-field rules judged as soon as their answers are in, the answers a broken rule
// lets the user change and the choices offered live in prompts/flow.ts; the answers are saved after
// each one (prompts/resume.ts).
import { input, select } from '@inquirer/prompts';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { valueSchema, type CrossFieldRule, type Namer } from '../config/schema.js';
import type { Origin } from '../config/sources.js';
import { coerce } from '../config/sources.js';
import type { VarValue, VariableSpec } from '../config/variables.js';
import { CliError, ExitCode, UsageError } from '../shared/errors.js';
import {
  advancedOpen, doomed, promptText, inlineProblem, judge, newFlow, nextStep, offeredChoices, refused, reopen, settle, type FlowState, type Values,
} from './prompts/flow.js';
import { answer, dropIrrelevant } from './prompts/answer.js';
import { changedSince, loadResume, saveResume, usableAnswers, type Saved } from './prompts/resume.js';
import { display } from './prompts/summary.js';

/**
 * A y/n question that takes only y, yes, n, no or Enter (the default) and asks again otherwise:
 * @inquirer's confirm reads any other text as the default, so a stray `2` at "Write these files?" wrote them.
 */
export async function yesNo(message: string, defaultYes: boolean): Promise<boolean> {
  const read = (typed: string): boolean | undefined => {
    const t = typed.trim().toLowerCase();
    return t === '' ? defaultYes : ['y', 'yes'].includes(t) ? true : ['n', 'no'].includes(t) ? false : undefined;
  };
  const raw = await input({
    message: `${message} ${defaultYes ? '(Y/n)' : '(y/N)'}`,
    validate: (typed) => read(typed) !== undefined || 'answer y or n (Enter: the capital one)',
    transformer: (typed, { isFinal }) => (isFinal ? (read(typed) ? 'Yes' : 'No') : typed),
  });
  return read(raw)!;
}

/**
 * The value Enter on the shown default stands for: the structured default itself, not its text read
 * back (a map value with a comma, `example.com/ports: "8080,9090"`, does not survive the round trip).
 */
const unchanged = (raw: string, fallback: string | undefined, current: VarValue): VarValue | undefined =>
  fallback !== undefined && raw === fallback ? current : undefined;

function check(spec: VariableSpec, raw: string, flow: FlowState, kept?: VarValue): string | true {
  const coerced = kept !== undefined ? { value: kept } : coerce(spec, raw);
  if ('problem' in coerced) return coerced.problem;
  const result = valueSchema(spec).safeParse(coerced.value);
  if (!result.success) return result.error.issues[0]?.message ?? 'invalid';
  // A rule that only this answer can fix: refused right here, the question stays open.
  return inlineProblem(flow, spec.name, coerced.value) ?? true;
}

/**
 * A select's default: the current value when it is offered and no rule refuses it; otherwise (asked
 * again because it broke a rule, say) the first offered choice no rule refuses.
 */
function choiceDefault(flow: FlowState, spec: VariableSpec, shown: readonly { value: string | number }[], current: VarValue, again: boolean): string {
  const ok = (v: string | number): boolean => !refused(flow, spec.name, spec.type === 'number' ? Number(v) : v);
  const here = shown.find((c) => String(c.value) === display(current));
  const pick = here && !again && ok(here.value) ? here : shown.find((c) => String(c.value) !== display(current) && ok(c.value)) ?? here ?? shown[0]!;
  return String(pick.value);
}

async function ask(spec: VariableSpec, flow: FlowState): Promise<VarValue> {
  const current = flow.suggested.get(spec.name) ?? flow.values[spec.name] ?? spec.default;
  const again = flow.reask.has(spec.name);
  const text = promptText(flow, spec);
  // Asked again: the answer that broke the rule is not the default (a yes/no then defaults to the other answer).
  if (spec.type === 'bool') {
    // A default a rule would refuse is not offered, asked again or not (--enable-service-monitor: metrics default to yes).
    const usual = again ? current !== true : current === true;
    return yesNo(text, refused(flow, spec.name, usual) && !refused(flow, spec.name, !usual) ? !usual : usual);
  }
  const message = `${text}:`;
  if (spec.choices) {
    // Never offer a choice that will be refused; the default must be one of those offered.
    const offered = offeredChoices(flow, spec);
    const shown = offered.length ? offered : spec.choices.map((value) => ({ value, note: undefined }));
    const answer = await select({
      message,
      choices: shown.map((c) => ({ name: c.note ? `${c.value} (${c.note})` : String(c.value), value: String(c.value) })),
      default: choiceDefault(flow, spec, shown, current, again),
    });
    return spec.type === 'number' ? Number(answer) : answer;
  }
  // A default a rule would refuse is not offered: Enter must never lead straight back here.
  const shown = display(current);
  const fallback = shown && !refused(flow, spec.name, current) ? shown : undefined;
  // Enter takes the default: say how to answer "empty" where the question offers it.
  const hint = fallback !== undefined && /\(empty[ :]/.test(text) ? ' [Backspace clears the default]' : '';
  const raw = await input({
    message: `${text}${hint}:`,
    default: fallback,
    validate: (typed) => check(spec, typed, flow, unchanged(typed, fallback, current)),
  });
  const kept = unchanged(raw, fallback, current);
  if (kept !== undefined) return kept;
  const coerced = coerce(spec, raw);
  return 'value' in coerced ? coerced.value : current;
}

export interface PromptOptions {
  target: 'kubernetes' | 'docker';
  /** Names variables in messages by where their values came from (sources.ts labeller). */
  name: Namer;
  /** Rules of the mode on top of the schema's (init-repo.ts repoRules). */
  extraRules?: readonly CrossFieldRule[];
  /** Where to save the answers after each one (prompts/resume.ts); the directory it is for. */
  resume?: { path: string; dir: string };
  /** This docker-mcp's version, saved with the answers (resume leaves out another version's defaults). */
  version?: string;
  /** Filled with the names a remedy changed (Access turning the tunnel on): the summary lists them even at their default. */
  remedied?: Set<string>;
  /** The answers file read (docker-mcp.yaml), if any: saved answers older than it are offered with that said. */
  configPath?: string;
}

const answers = (n: number): string => `${n} answer${n === 1 ? '' : 's'}`;
const say = (text: string): void => void process.stdout.write(`${text}\n`);

/** What this run has on disk for resuming: the number of answers saved, or why nothing can be. */
interface Saving { count: number; disabled?: string }

/** Offers the answers of an interrupted run; the ones still askable, relevant and valid are taken. */
async function offerResume(flow: FlowState, options: PromptOptions): Promise<void> {
  const saved = loadResume(options.resume!.path);
  if (saved === undefined) return;
  if ('problem' in saved) return void process.stderr.write(`warning: ${saved.problem}\n`);
  const { usable, invalid, outdated } = usableAnswers(flow, saved, options.version);
  if (invalid.length) say(`Dropped ${invalid.length} invalid saved answer${invalid.length === 1 ? '' : 's'}: ${invalid.join(', ')}`);
  if (outdated.length) say(`Left out ${outdated.length} saved answer${outdated.length === 1 ? '' : 's'} that ${outdated.length === 1 ? 'was' : 'were'} the default of docker-mcp ${saved.version}: ${outdated.join(', ')}`);
  if (!usable.length) return;
  const when = saved.savedAt.slice(0, 16).replace('T', ' ');
  // Saved before the answers file was edited: resuming would override the edit, so the default is fresh.
  const stale = changedSince(options.configPath, saved);
  const note = stale ? ` (${basename(options.configPath!)} changed since)` : '';
  const how = await select({
    message: `Resume the ${answers(usable.length)} from ${when} UTC${note}?`,
    choices: [
      { name: 'Yes: skip the questions already answered', value: 'resume' },
      { name: 'Go through the questions with my saved answers as defaults', value: 'defaults' },
      { name: 'No: start fresh', value: 'fresh' },
    ],
    default: stale ? 'fresh' : 'resume',
  });
  if (how === 'fresh') return;
  if (how === 'defaults') {
    // Asked again, each with its saved answer as default; nothing taken unless answered.
    for (const [name, value] of usable) flow.suggested.set(name, value);
    if (saved.advanced !== undefined) flow.suggested.set('advanced', saved.advanced);
    return;
  }
  for (const [name, value] of usable) settle(flow, name, value);
  if (saved.advanced !== undefined) flow.advanced = saved.advanced;
  // Skipped, not asked again: listed so the user sees what will be rendered (the summary repeats it).
  say(`Resumed (not asked again):\n${usable.map(([name, value]) => `  ${flow.seq.find((s) => s.name === name)!.prompt}: ${display(value)}`).join('\n')}`);
}

function save(flow: FlowState, options: PromptOptions, saving: Saving): void {
  if (!options.resume || saving.disabled !== undefined) return;
  // Saved answers being gone through as defaults stay saved until answered again.
  const kept = [...flow.suggested].filter(([n]) => n !== 'advanced' && !flow.answered.has(n));
  const answered = Object.fromEntries([...kept, ...[...flow.answered].map((n): [string, VarValue] => [n, flow.values[n]!])]);
  const saved: Saved = {
    dir: options.resume.dir, savedAt: new Date().toISOString(), answers: answered,
    ...(flow.advanced !== undefined ? { advanced: flow.advanced } : {}), ...(options.version !== undefined ? { version: options.version } : {}),
  };
  const cause = saveResume(options.resume.path, saved);
  if (cause === undefined) saving.count = Object.keys(answered).length;
  else {
    saving.disabled = cause;
    process.stderr.write(`warning: answers will not be saved for resume (${cause})\n`);
  }
}

/** Several answers can fix a broken rule: the user picks which one to change (the "go back"). */
async function pickFix(flow: FlowState, names: string[]): Promise<string> {
  const spec = (n: string): VariableSpec => flow.seq.find((s) => s.name === n)!;
  return select({
    message: 'Change which answer?',
    choices: names.map((n) => ({ name: `${promptText(flow, spec(n))} (now: ${display(flow.values[n]!) || 'empty'})`, value: n })),
  });
}

/**
 * Asks for everything not given by flag or env; returns the merged values. Each asked variable's
 * origin becomes 'prompt' (in `origins`), so a problem names the question, not a flag never typed.
 * A cross-field rule is judged once all its answers are in; the user is sent back to an answer that
 * can fix it (picking which when there are several), every other answer kept.
 */
export async function promptForValues(
  table: readonly VariableSpec[],
  values: Values,
  origins: Record<string, Origin>,
  options: PromptOptions,
): Promise<Values> {
  const initial = { values: { ...values }, origins: { ...origins } };
  const flow = newFlow(table, { ...values }, origins, options.target, options.name, options.extraRules);
  const saving: Saving = { count: 0 };
  const react = async (): Promise<void> => {
    const verdict = judge(flow);
    if (verdict.fatal.length) throw new UsageError('invalid input; nothing was written', verdict.fatal);
    if (!verdict.fix) return;
    const { message, names } = verdict.fix;
    say(`! ${message}`);
    const name = names.length === 1 ? names[0]! : await pickFix(flow, names);
    reopen(flow, name, message);
  };
  try {
    // Broken by flags and env whatever is answered: say so before the first question.
    const fatal = doomed(flow);
    if (fatal.length) throw new UsageError('invalid input; nothing was written', fatal);
    if (options.resume) {
      await offerResume(flow, options);
      // What is on disk is what this run has: the resumed answers (minus the dropped ones).
      if (flow.answered.size) save(flow, options, saving);
    }
    await react();
    for (let step = nextStep(flow); step !== undefined; step = nextStep(flow)) {
      if (step === 'advanced') {
        const count = advancedOpen(flow).length;
        flow.advanced = await yesNo(`Review the ${count} advanced setting${count === 1 ? '' : 's'} (resources, ports, socket, metrics…)?`, flow.suggested.get('advanced') === true);
        save(flow, options, saving);
        await react();
        continue;
      }
      const value = await ask(step, flow);
      const touched = answer(flow, step.name, value);
      for (const name of touched) options.remedied?.add(name);
      if (touched.includes('enable_cloudflare_tunnel')) {
        say(flow.values.enable_cloudflare_tunnel === true
          ? '  Cloudflare Access works through the tunnel: turned it on; next, its host name and domain.'
          : `  No Cloudflare Access: the tunnel is back to ${display(flow.values.enable_cloudflare_tunnel ?? false)}, as it was.`);
      }
      save(flow, options, saving);
      await react();
    }
  } catch (error) {
    // Ctrl+C inside a prompt: nothing has been rendered or written yet; the answers so far are saved.
    // At the resume offer nothing of this run is saved yet, but the earlier run's answers still are.
    if (error instanceof Error && error.name === 'ExitPromptError') throw interrupted(saving, options.resume !== undefined && existsSync(options.resume.path));
    throw error;
  }
  dropIrrelevant(flow, initial);
  return flow.values;
}

function interrupted(saving: Saving, onDisk: boolean): CliError {
  return new CliError(
    saving.count > 0 ? `interrupted; ${answers(saving.count)} saved — run init again to resume`
      : `interrupted; nothing was written${onDisk ? ' (the saved answers stay: run init again to resume)' : ''}`,
    ExitCode.interrupted,
  );
}

/** The last question before writing (Y/n). Ctrl+C here writes nothing; the answers stay saved. */
export async function confirmWrite(message: string, options: Pick<PromptOptions, 'resume'>): Promise<boolean> {
  try {
    return await yesNo(message, true);
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') {
      throw new CliError(`interrupted; nothing was written${options.resume ? ' (the answers stay saved: run init again to resume)' : ''}`, ExitCode.interrupted);
    }
    throw error;
  }
}
