// The answers of an interactive init, saved after each one so an interrupted run can be resumed.
// Where: $XDG_STATE_HOME/docker-mcp/init-<hash of target and directory>.yaml (~/.local/state when
// unset), not inside the output directory: an interrupted run must not create the output directory
// (or leave a file in the user's Terraform repo, which is usually a git checkout), and a file there
// would sit beside what the manifest tracks, where --dry-run and the "no longer rendered" logic look.
// The answers are not secret (tokens are never asked), but the file is written 0600 in a 0700 folder.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { VarValue } from '../../config/variables.js';

export interface Saved {
  /** The directory init renders into (or --terraform-dir), for the user's sake. */
  dir: string;
  savedAt: string;
  answers: Record<string, VarValue>;
  /** The answer to "review the advanced settings?", once given. */
  advanced?: boolean;
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
    return { dir: String(data.dir ?? ''), savedAt: data.savedAt, answers, ...(typeof data.advanced === 'boolean' ? { advanced: data.advanced } : {}) };
  } catch (error) {
    return { problem: `${path}: unreadable (${(error as Error).message.split('\n')[0]}); ignoring it` };
  }
}

export function saveResume(path: string, saved: Saved): void {
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(path, stringify(saved), { mode: 0o600 });
  chmodSync(path, 0o600); // writeFileSync's mode applies only when it creates the file
}

export function removeResume(path: string): void {
  rmSync(path, { force: true });
}
