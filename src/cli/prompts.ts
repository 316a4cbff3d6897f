// The only @inquirer importer. Questions come from the variables table: the basic group first,
// then the advanced group only if the user opts in. Values given by flag or env are not asked.
// The order, the cross-field rules judged as soon as their answers are in, and the choices offered
// live in prompts/flow.ts; the answers are saved after each one (prompts/resume.ts).
import { confirm, input, select } from '@inquirer/prompts';
import { valueSchema, type CrossFieldRule, type Namer } from '../config/schema.js';
import type { Origin } from '../config/sources.js';
import { coerce } from '../config/sources.js';
import type { VarValue, VariableSpec } from '../config/variables.js';
import { CliError, ExitCode, UsageError } from './errors.js';
import { askable, inlineProblem, judge, newFlow, nextStep, offeredChoices, remedy, settle, type FlowState, type Values } from './prompts/flow.js';
import { loadResume, saveResume, type Saved } from './prompts/resume.js';
import { display } from './prompts/summary.js';

function check(spec: VariableSpec, raw: string, flow: FlowState): string | true {
  const coerced = coerce(spec, raw);
  if ('problem' in coerced) return coerced.problem;
  // The tunnel needs a domain; non-interactive runs skip the tunnel pieces instead (see NOTES).
  if (spec.name === 'domain_suffix' && raw.trim() === '' && flow.values.enable_cloudflare_tunnel === true) {
    return 'required for the Cloudflare Tunnel (or go back and answer no to the tunnel)';
  }
  const result = valueSchema(spec).safeParse(coerced.value);
  if (!result.success) return result.error.issues[0]?.message ?? 'invalid';
  // A rule between this answer and settled ones: refused right here, the question stays open.
  return inlineProblem(flow, spec.name, coerced.value) ?? true;
}

async function ask(spec: VariableSpec, flow: FlowState): Promise<VarValue> {
  const current = flow.values[spec.name] ?? spec.default;
  const message = `${spec.prompt}:`;
  if (spec.type === 'bool') return confirm({ message: spec.prompt, default: current === true });
  if (spec.choices) {
    // Never offer a choice that will be refused; the default must be one of those offered.
    const offered = offeredChoices(flow, spec);
    const shown = offered.length ? offered : spec.choices.map((value) => ({ value, note: undefined }));
    const answer = await select({
      message,
      choices: shown.map((c) => ({ name: c.note ? `${c.value} (${c.note})` : String(c.value), value: String(c.value) })),
      default: shown.some((c) => String(c.value) === display(current)) ? display(current) : String(shown[0]!.value),
    });
    return spec.type === 'number' ? Number(answer) : answer;
  }
  const raw = await input({
    message,
    default: display(current) || undefined,
    validate: (text) => check(spec, text, flow),
  });
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
}

const answers = (n: number): string => `${n} answer${n === 1 ? '' : 's'}`;
const say = (text: string): void => void process.stdout.write(`${text}\n`);

/** Offers the answers of an interrupted run; the ones still askable and valid are taken. */
async function offerResume(flow: FlowState, path: string): Promise<void> {
  const saved = loadResume(path);
  if (saved === undefined) return;
  if ('problem' in saved) return void process.stderr.write(`warning: ${saved.problem}\n`);
  const usable = Object.entries(saved.answers).filter(([name, value]) => {
    const spec = flow.seq.find((s) => s.name === name);
    return spec !== undefined && askable(flow, name) && valueSchema(spec).safeParse(value).success;
  });
  if (!usable.length) return;
  const when = saved.savedAt.slice(0, 16).replace('T', ' ');
  if (!(await confirm({ message: `Resume the ${answers(usable.length)} from ${when} UTC?`, default: true }))) return;
  for (const [name, value] of usable) settle(flow, name, value);
  if (saved.advanced !== undefined) flow.advanced = saved.advanced;
  // Skipped, not asked again: listed so the user sees what will be rendered (the summary repeats it).
  say(`Resumed (not asked again):\n${usable.map(([name, value]) => `  ${flow.seq.find((s) => s.name === name)!.prompt}: ${display(value)}`).join('\n')}`);
}

function save(flow: FlowState, options: PromptOptions): void {
  if (!options.resume) return;
  const answers = Object.fromEntries([...flow.answered].map((n) => [n, flow.values[n]!]));
  const saved: Saved = { dir: options.resume.dir, savedAt: new Date().toISOString(), answers, ...(flow.advanced !== undefined ? { advanced: flow.advanced } : {}) };
  saveResume(options.resume.path, saved);
}

/**
 * Asks for everything not given by flag or env; returns the merged values. Each asked variable's
 * origin becomes 'prompt' (in `origins`), so a problem names the question, not a flag never typed.
 * A cross-field rule is judged once all its answers are in; the question that broke it is asked
 * again with the reason, every other answer kept.
 */
export async function promptForValues(
  table: readonly VariableSpec[],
  values: Values,
  origins: Record<string, Origin>,
  options: PromptOptions,
): Promise<Values> {
  const flow = newFlow(table, { ...values }, origins, options.target, options.name, options.extraRules);
  const react = (just?: string): void => {
    const verdict = judge(flow, just);
    // Only before the first question can a rule be broken by flags and env alone: say so now, not after 30 answers.
    if (verdict.fatal.length && just === undefined) throw new UsageError('invalid input; nothing was written', verdict.fatal);
    if (verdict.reask) {
      flow.reask.set(verdict.reask.name, verdict.reask.message);
      flow.answered.delete(verdict.reask.name);
    }
  };
  try {
    if (options.resume) await offerResume(flow, options.resume.path);
    react();
    for (let step = nextStep(flow); step !== undefined; step = nextStep(flow)) {
      if (step === 'advanced') {
        const count = flow.seq.filter((s) => s.group === 'advanced').length;
        flow.advanced = await confirm({ message: `Review the ${count} advanced settings (resources, ports, socket, metrics…)?`, default: false });
        save(flow, options);
        react();
        continue;
      }
      const why = flow.reask.get(step.name);
      if (why) say(`! ${why}`);
      const value = await ask(step, flow);
      const also = remedy(flow, step.name, value);
      for (const [name, v] of Object.entries(also)) settle(flow, name, v);
      if (also.enable_cloudflare_tunnel) say('  Cloudflare Access works through the tunnel: turned it on; next, its host name and domain.');
      settle(flow, step.name, value);
      save(flow, options);
      react(step.name);
    }
  } catch (error) {
    // Ctrl+C inside a prompt: nothing has been rendered or written yet; the answers so far are saved.
    if (error instanceof Error && error.name === 'ExitPromptError') throw interrupted(flow.answered.size, options);
    throw error;
  }
  return flow.values;
}

function interrupted(saved: number, options: Pick<PromptOptions, 'resume'>): CliError {
  return new CliError(
    options.resume && saved > 0 ? `interrupted; ${answers(saved)} saved — run init again to resume` : 'interrupted; nothing was written',
    ExitCode.interrupted,
  );
}

/** The last question before writing (Y/n). Ctrl+C here writes nothing; the answers stay saved. */
export async function confirmWrite(message: string, options: Pick<PromptOptions, 'resume'>): Promise<boolean> {
  try {
    return await confirm({ message, default: true });
  } catch (error) {
    if (error instanceof Error && error.name === 'ExitPromptError') {
      throw new CliError(`interrupted; nothing was written${options.resume ? ' (the answers stay saved: run init again to resume)' : ''}`, ExitCode.interrupted);
    }
    throw error;
  }
}
