// The answers of an interactive init, saved after each one so an interrupted run can be resumed.
// Where: $XDG_STATE_HOME/docker-mcp/init-<hash of target and directory>.yaml (~/.local/state when
// unset), not inside the output directory: an interrupted run must not create the output directory
// (or leave a file in the user's Terraform repo, which is usually a git checkout), and a file there
// would sit beside what the manifest tracks, where --dry-run and the "no longer rendered" logic look.
// The answers are not secret (tokens are never asked), but the file is written 0600 in a 0700 folder.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { valueSchema } from '../../config/schema.js';
import { variablesTable, type VarValue } from '../../config/variables.js';
import { askable, relevant, type FlowState } from './flow.js';

export interface Saved {
  /** The directory init renders into (or --terraform-dir), for the user's sake. */
  dir: string;
  savedAt: string;
  answers: Record<string, VarValue>;
  /** The answer to "review the advanced settings?", once given. */
  advanced?: boolean;
  /** The docker-mcp version that saved them: its defaults (docker_image's tag) are not carried to another. */
  version?: string;
}

export function resumePath(dir: string, target: string, env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME.startsWith('/') ? env.XDG_STATE_HOME : join(env.HOME || homedir(), '.local', 'state');
  const key = createHash('sha256').update(`${target}\0${resolve(dir)}`).digest('hex').slice(0, 16);
  return join(state, 'docker-mcp', `init-${key}.yaml`);
}

const isValue = (v: unknown): v is VarValue =>
  ['string', 'number', 'boolean'].includes(typeof v) ||
  (Array.isArray(v) && v.every((x) => typeof x === 'string')) ||
  (typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string'));

/** The saved answers; `problem` (one line) when the file exists but cannot be used. */
export function loadResume(path: string): Saved | { problem: string } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const data = parse(readFileSync(path, 'utf8')) as Partial<Saved> | null;
    const answers = data?.answers;
    if (!data || typeof data.savedAt !== 'string' || !answers || typeof answers !== 'object' || Array.isArray(answers) || !Object.values(answers).every(isValue)) {
      return { problem: `${path}: not a saved init run; ignoring it` };
    }
    return {
      dir: String(data.dir ?? ''), savedAt: data.savedAt, answers,
      ...(typeof data.advanced === 'boolean' ? { advanced: data.advanced } : {}), ...(typeof data.version === 'string' ? { version: data.version } : {}),
    };
  } catch (error) {
    return { problem: `${path}: unreadable (${(error as Error).message.split('\n')[0]}); ignoring it` };
  }
}

/**
 * The saved answers this run can take, and the ones that fail their variable's checks now (a
 * hand-edited file, another version). Answers now given by flag or env, outside this run's questions
 * (another target) or irrelevant given the others (the Access fields once auth is bearer) are left out.
 */
export function usableAnswers(flow: FlowState, saved: Saved, version?: string): { usable: [string, VarValue][]; invalid: string[]; outdated: string[] } {
  const invalid: string[] = [];
  const outdated: string[] = [];
  // Saved by another version: an answer equal to that version's default (its docker_image tag) was
  // the default accepted, not a choice; this version's default applies instead.
  const before = saved.version !== undefined && version !== undefined && saved.version !== version ? variablesTable(saved.version) : undefined;
  const taken = Object.entries(saved.answers).filter(([name, value]) => {
    const spec = flow.seq.find((s) => s.name === name);
    if (spec === undefined || !askable(flow, name)) return false;
    const old = before?.find((s) => s.name === name);
    if (old && JSON.stringify(old.default) === JSON.stringify(value) && JSON.stringify(spec.default) !== JSON.stringify(value)) {
      outdated.push(name);
      return false;
    }
    if (valueSchema(spec).safeParse(value).success) return true;
    invalid.push(name);
    return false;
  });
  const merged = { ...flow.values, ...Object.fromEntries(taken) };
  return { usable: taken.filter(([name]) => relevant[name]?.test(merged) ?? true), invalid, outdated };
}

/** The answers file the saved answers would override was changed after they were saved. */
export function changedSince(configPath: string | undefined, saved: Saved): boolean {
  if (configPath === undefined || !existsSync(configPath)) return false;
  return statSync(configPath).mtimeMs > Date.parse(saved.savedAt);
}

/** Writes the answers; the cause (one line) when the state directory cannot take them. */
export function saveResume(path: string, saved: Saved): string | undefined {
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(path, stringify(saved), { mode: 0o600 });
    chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
    return undefined;
  } catch (error) {
    // EACCES, EPERM, ENOTDIR, EROFS, ENOSPC…: resuming is a convenience, never a reason to stop.
    return (error as Error).message.split('\n')[0];
  }
}

/** After a successful write (or an up-to-date run) nothing is left to resume. Never fails the run. */
export function removeResume(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // An unwritable state directory had no file written by us either.
  }
}
