// `docker-mcp init` end to end: gather answers, validate all at once, render fully, then diff or
// write. Nothing touches the disk before the whole plan exists and has no conflicts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { validateConfig, type InstallConfig, type Namer } from '../../config/schema.js';
import { camel, labeller, resolveInputs } from '../../config/sources.js';
import { scopeOf, variablesTable, type VariableSpec } from '../../config/variables.js';
import { KUBERNETES_ONLY } from '../../templates/docker/render.js';
import { renderPlan, type Format, type Target } from '../../templates/index.js';
import { CliError, ExitCode, UsageError } from '../../shared/errors.js';
import { packageVersion } from '../../shared/version.js';
import { computeChanges, type Change } from '../io/changes.js';
import { manifestTarget } from '../../contract/output-manifest.js';
import { loadConfigFile } from '../io/config-file.js';
import { detectKubeTarget } from '../io/kube-context.js';
import { detectSocketGid } from '../io/socket-gid.js';
import { applyChanges, unifiedDiff } from '../io/write.js';
import { ciSet } from '../../lifecycle/confirm.js';
import { removeResume, resumePath } from '../prompts/resume.js';
import { choicesSummary, DECLINED, filesSummary } from '../prompts/summary.js';

interface InitOptions {
  outputDir: string;
  target?: Target;
  format?: Format;
  singleFile?: boolean;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  config?: string;
  terraformDir?: string;
  cloudflaredConfigmap?: string;
}

function isInteractive(options: InitOptions): boolean {
  return !options.yes && !options.json && !ciSet(process.env) && process.stdin.isTTY === true && process.stdout.isTTY === true;
}

function emit(options: InitOptions, human: string, data: Record<string, unknown>): void {
  if (options.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else if (human) process.stdout.write(human.endsWith('\n') ? human : `${human}\n`);
}

/** `N files (x create, y update, z remove)`: the question says what kind of change it is about. */
export function filesCount(pending: readonly Change[]): string {
  const by = (action: string): number => pending.filter((c) => c.action === action).length;
  return `${pending.length} file${pending.length === 1 ? '' : 's'} (${by('create')} create, ${by('update')} update, ${by('remove')} remove)`;
}

const summary = (changes: Change[]): { path: string; action: string }[] =>
  changes.map((c) => ({ path: c.path, action: c.action, ...(c.reason ? { reason: c.reason } : {}) }));

interface Gathered {
  config: InstallConfig;
  /** Set when the answers were asked: the summary and the confirmation go with it. */
  interactive?: { choices: string };
  /** Where an interactive run for this target and directory saves its answers (removed once written). */
  resume: string;
  name: Namer;
}

async function gather(table: readonly VariableSpec[], options: InitOptions, flags: Record<string, unknown>, version: string): Promise<Gathered> {
  const configFile = loadConfigFile(options.config, options.terraformDir ?? options.outputDir);
  const resolved = resolveInputs(table, { flags, env: process.env, configFile });
  let values = resolved.values;
  const origins = { ...resolved.origins };
  // Serve's DOCKER_MCP_<NAME> in the env is ignored (a local gateway's shell must not change what is
  // deployed); say so once per variable, for users of the old prefix. --json keeps stderr too.
  if (resolved.warnings.length) process.stderr.write(resolved.warnings.map((w) => `warning: ${w}\n`).join(''));
  // The rendered root module's provider: record the cluster kubectl points at now (an existing repo
  // keeps its own provider, and compose has no cluster).
  if (options.target !== 'docker' && options.terraformDir === undefined && !resolved.problems.length) {
    detectKubeTarget(values, origins, process.env);
  } else if (options.target === 'docker') detectSocketGid(values, origins); // the socket's group, stat'ed here
  const name = labeller(table, origins, resolved.configPath);
  const target = options.target ?? 'kubernetes';
  // A wrong repo path is refused before any question (answers typed for it would be lost, and saved
  // for resume under the wrong directory); non-interactive runs report it with every other problem.
  const pathProblems = options.terraformDir !== undefined
    ? (await import('./init-repo.js')).repoPathProblems({ ...options, terraformDir: options.terraformDir })
    : [];
  if (pathProblems.length && isInteractive(options)) throw new UsageError('invalid input; nothing was written', [...pathProblems, ...resolved.problems]);
  const interactive = !resolved.problems.length && isInteractive(options);
  const remedied = new Set<string>();
  const resume = resumePath(options.terraformDir ?? options.outputDir, options.terraformDir !== undefined ? 'terraform-dir' : target);
  if (interactive) {
    const { promptForValues } = await import('../prompts.js');
    // Compose has no namespace, replicas, … : do not ask what the docker target would only ignore.
    // Nor, for an existing repo, the rendered root module's provider settings (the repo has its own).
    // With --terraform-dir the tunnel must be on (the gateway joins it): never a question, whose only
    // accepted answer would be yes; a docker-mcp.yaml turning it off is refused before the first question.
    const asked = options.target === 'docker'
      ? table.filter((s) => !(s.name in KUBERNETES_ONLY))
      : options.terraformDir !== undefined
        ? table.filter((s) => scopeOf(s) !== 'root' && s.name !== 'enable_cloudflare_tunnel')
        : table;
    const extraRules = options.terraformDir !== undefined ? (await import('./init-repo.js')).repoRules : [];
    values = await promptForValues(asked, values, origins, {
      target, name, extraRules, configPath: resolved.configPath, resume: { path: resume, dir: resolve(options.terraformDir ?? options.outputDir) }, remedied, version,
    });
  }
  // Fill unparsable inputs with defaults so every other problem is still reported in this round.
  for (const spec of table) values[spec.name] ??= structuredClone(spec.default);
  const result = validateConfig(table, values, options.target, name);
  // --terraform-dir's own needs, named by what the user touched (as the schema's rules are).
  const repoProblems = result.ok && options.terraformDir !== undefined
    ? (await import('./init-repo.js')).repoRules.map((r) => r.check(result.config, name, true)).filter((p): p is string => p !== undefined)
    : [];
  const problems = [...pathProblems, ...resolved.problems, ...(result.ok ? repoProblems : result.problems)];
  if (problems.length || !result.ok) {
    if (options.json) emit(options, '', { status: 'invalid', problems });
    throw new UsageError('invalid input; nothing was written', problems);
  }
  return { config: result.config, resume, name, ...(interactive ? { interactive: { choices: choicesSummary(table, values, origins, resolved.configPath, remedied) } } : {}) };
}

export async function runInit(raw: Record<string, unknown>): Promise<void> {
  const options = raw as unknown as InitOptions;
  // A re-run keeps the target the directory was rendered for, so a bare `init` there does not swap a
  // compose deployment for Kubernetes files (and remove compose.yaml as "no longer rendered").
  options.target ??= manifestTarget(resolve(options.outputDir)) ?? 'kubernetes';
  const version = packageVersion();
  const table = variablesTable(version);
  const flags: Record<string, unknown> = {};
  for (const spec of table) if (raw[camel(spec.name)] !== undefined) flags[camel(spec.name)] = raw[camel(spec.name)];
  if (options.target === 'docker') {
    const kubeOnly = [options.format && '--format', options.singleFile && '--single-file', options.terraformDir !== undefined && '--terraform-dir']
      .filter((x): x is string => typeof x === 'string');
    if (kubeOnly.length) throw new UsageError(`${kubeOnly.join(', ')} only apply to --target kubernetes; --target docker renders compose.yaml`);
  }
  if (options.cloudflaredConfigmap !== undefined && options.terraformDir === undefined) {
    throw new UsageError('--cloudflared-configmap needs --terraform-dir (the repo that gets the gateway module)');
  }
  const { config, interactive, resume, name } = await gather(table, options, flags, version);
  if (options.terraformDir !== undefined) {
    const { runRepoInit } = await import('./init-repo.js');
    const done = await runRepoInit(config, table, version, { ...options, terraformDir: options.terraformDir, choices: interactive?.choices, name, resume }, (human, data) => emit(options, human, data));
    // Written or up to date, asked or --yes: nothing is left to resume for this repo.
    if (done) removeResume(resume);
    return;
  }
  const plan = renderPlan(config, table, {
    target: options.target, format: options.format ?? 'both', singleFile: options.singleFile === true, version,
  });
  const dir = resolve(options.outputDir);
  const changes = computeChanges(dir, plan.files, options.force === true);
  const pending = changes.filter((c) => c.action !== 'unchanged');
  const conflicts = changes.filter((c) => c.action === 'conflict');
  const warnings = plan.warnings.map((w) => `warning: ${w}`).join('\n');
  if (warnings && !options.json) process.stderr.write(`${warnings}\n`);
  const base = { outputDir: dir, target: options.target, warnings: plan.warnings, files: summary(changes) };

  if (conflicts.length) {
    const diffs = (await Promise.all(conflicts.map(async (c) => `${c.path}: ${c.reason ?? ''}\n${await unifiedDiff(c)}`))).join('\n');
    emit(options, diffs, { status: 'conflict', ...base });
    throw new CliError(
      `${conflicts.length} file(s) changed by hand: ${conflicts.map((c) => c.path).join(', ')}. Nothing was written; ` +
        'read the diff above and re-run with --force to overwrite.',
      ExitCode.conflict,
    );
  }
  if (options.dryRun) {
    const text = pending.length ? (await Promise.all(pending.map(unifiedDiff))).join('\n') : `${dir}: up to date`;
    emit(options, text, { status: pending.length ? 'changes' : 'up-to-date', ...base });
    if (pending.length) process.exitCode = ExitCode.changesPending;
    return;
  }
  if (!pending.length) {
    emit(options, `${dir}: up to date (${changes.length} files)`, { status: 'up-to-date', ...base });
    removeResume(resume);
    return;
  }
  if (interactive) {
    // The last look before anything is written; --yes, --json, CI and a non-TTY never get here.
    process.stdout.write(`${interactive.choices}\n${filesSummary(dir, changes)}\n`);
    const { confirmWrite } = await import('../prompts.js');
    // Only claim the answers are kept when they are (an unwritable state directory said so already).
    const kept = existsSync(resume);
    if (!(await confirmWrite(`Write these ${filesCount(pending)} to ${dir}?`, kept ? { resume: { path: resume, dir } } : {}))) {
      throw new CliError(kept ? DECLINED : 'nothing was written (declined)', ExitCode.changesPending);
    }
  }
  applyChanges(dir, changes, `docker-mcp ${version}`);
  const lines = pending.map((c) => `  ${c.action.padEnd(7)} ${c.path}`);
  removeResume(resume);
  emit(options, `Wrote ${dir}:\n${lines.join('\n')}\nNext steps: ${resolve(dir, 'NOTES.md')}`, { status: 'written', ...base });
}
