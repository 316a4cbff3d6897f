// Runs the real terraform, non-interactively, streaming its output, and maps its exit codes and
// known failures onto ours. apply and destroy apply a saved plan, so what the person confirmed is
// exactly what runs.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { CliError, ExitCode, UsageError, type ExitCodeValue } from '../shared/errors.js';
import { confirm } from './confirm.js';
import { explainFailure } from './terraform-errors.js';

export interface TerraformOptions {
  dir: string;
  binary?: string;
  varFiles?: string[];
  /** Apply/destroy without asking. */
  yes?: boolean;
  stdout?: Writable;
  stderr?: Writable;
  /** Defaults to whether stdout is a terminal. */
  color?: boolean;
  /** Answers the confirmation (tests); defaults to a y/N prompt on the terminal. */
  ask?: (question: string) => Promise<boolean>;
}

export interface RunResult {
  code: number;
  output: string;
}

const KEEP = 256 * 1024;

export function terraformBinary(opts: { binary?: string } = {}): string {
  return opts.binary ?? process.env.DOCKER_MCP_TERRAFORM ?? 'terraform';
}

/** One terraform invocation; output is streamed and the tail kept for error classification. */
export function runTerraform(args: string[], opts: TerraformOptions): Promise<RunResult> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const color = opts.color ?? Boolean((out as { isTTY?: boolean }).isTTY);
  const full = color ? args : [...args.slice(0, 1), '-no-color', ...args.slice(1)];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(terraformBinary(opts), full, {
      cwd: opts.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      // TF_IN_AUTOMATION drops "run terraform apply next" hints that would mislead inside docker-mcp.
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' },
    });
    let output = '';
    const keep = (chunk: Buffer, to: Writable): void => {
      to.write(chunk);
      output = (output + chunk.toString('utf8')).slice(-KEEP);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, out));
    child.stderr.on('data', (c: Buffer) => keep(c, err));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new CliError(
            `terraform was not found (looked for \`${terraformBinary(opts)}\` on PATH). Install Terraform >= 1.0 ` +
              '(https://developer.hashicorp.com/terraform/install), set DOCKER_MCP_TERRAFORM, or use --target kubectl.',
          ),
        );
      } else reject(error);
    });
    child.on('close', (code, signal) => {
      if (signal === 'SIGINT') reject(new CliError('interrupted', ExitCode.interrupted));
      else resolvePromise({ code: code ?? 1, output });
    });
  });
}

function failure(step: string, result: RunResult, dir: string): CliError {
  const known = explainFailure(result.output, relative(process.cwd(), dir) || '.');
  const message = known ? `terraform ${step} failed: ${known.message}` : `terraform ${step} failed (exit ${result.code}); see its output above.`;
  return new CliError(message, ExitCode.failure);
}

function checkDir(dir: string): string {
  const abs = resolve(dir);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) throw new UsageError(`--dir ${dir} is not a directory`);
  // terraform itself would "initialise an empty directory" and then plan nothing.
  if (!readdirSync(abs).some((n) => n.endsWith('.tf') || n.endsWith('.tf.json'))) {
    throw new UsageError(`--dir ${dir} holds no Terraform configuration (*.tf): point --dir at the root module (the terraform/ folder init rendered)`);
  }
  return abs;
}

function log(opts: TerraformOptions, line: string): void {
  (opts.stderr ?? process.stderr).write(`docker-mcp: ${line}\n`);
}

export async function terraformInit(opts: TerraformOptions): Promise<void> {
  log(opts, `terraform init in ${opts.dir}`);
  const result = await runTerraform(['init', '-input=false'], opts);
  if (result.code !== 0) throw failure('init', result, opts.dir);
}

/** plan -detailed-exitcode: 0 no changes, 2 changes (our exit code 3), anything else a failure. */
async function planTo(opts: TerraformOptions, extra: string[], planFile?: string): Promise<'none' | 'changes'> {
  const args = ['plan', '-input=false', '-detailed-exitcode', ...extra, ...(opts.varFiles ?? []).map((f) => `-var-file=${resolve(f)}`)];
  if (planFile) args.push(`-out=${planFile}`);
  log(opts, `terraform ${args.join(' ')}`);
  const result = await runTerraform(args, opts);
  if (result.code === 0) return 'none';
  if (result.code === 2) return 'changes';
  throw failure('plan', result, opts.dir);
}

export async function terraformPlan(options: TerraformOptions): Promise<ExitCodeValue> {
  const opts = { ...options, dir: checkDir(options.dir) };
  await terraformInit(opts);
  const outcome = await planTo(opts, []);
  return outcome === 'changes' ? ExitCode.changesPending : ExitCode.ok;
}

async function planThenApply(options: TerraformOptions, destroy: boolean): Promise<ExitCodeValue> {
  const opts = { ...options, dir: checkDir(options.dir) };
  await terraformInit(opts);
  const work = mkdtempSync(join(tmpdir(), 'dmcp-tfplan-'));
  try {
    const planFile = join(work, 'docker-mcp.tfplan');
    const outcome = await planTo(opts, destroy ? ['-destroy'] : [], planFile);
    if (outcome === 'none') {
      log(opts, destroy ? 'nothing to destroy.' : 'no changes: infrastructure matches the configuration.');
      return ExitCode.ok;
    }
    if (!opts.yes) {
      const ask = opts.ask ?? ((q: string) => confirm(q));
      const ok = await ask(destroy ? 'Destroy everything in the plan above?' : 'Apply the plan above?');
      if (!ok) {
        log(opts, 'cancelled; nothing was changed.');
        return ExitCode.ok;
      }
    }
    const result = await runTerraform(['apply', '-input=false', '-auto-approve', planFile], opts);
    if (result.code !== 0) throw failure(destroy ? 'destroy' : 'apply', result, opts.dir);
    return ExitCode.ok;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function terraformApply(opts: TerraformOptions): Promise<ExitCodeValue> {
  return planThenApply(opts, false);
}

export function terraformDestroy(opts: TerraformOptions): Promise<ExitCodeValue> {
  return planThenApply(opts, true);
}

/** `terraform version -json`, or null when terraform is missing. */
export async function terraformVersion(binary?: string): Promise<string | null> {
  try {
    const result = await runTerraform(['version', '-json'], {
      dir: process.cwd(),
      binary,
      color: true,
      stdout: nullWritable(),
      stderr: nullWritable(),
    });
    const parsed = JSON.parse(result.output.slice(result.output.indexOf('{'))) as { terraform_version?: string };
    return parsed.terraform_version ?? null;
  } catch {
    return null;
  }
}

function nullWritable(): Writable {
  return { write: () => true } as unknown as Writable;
}
