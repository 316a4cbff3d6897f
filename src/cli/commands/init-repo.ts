// `docker-mcp init --terraform-dir <repo>`: wires the gateway into an existing homelab repo. The
// module goes next to the repo's root module (at the `./modules/docker-mcp-gateway` its call names),
// the call into `docker-mcp.tf`, and the tunnel's ingress rule and DNS `services` entry are patched by
// src/patch. One combined diff and one question; nothing is written unless the whole change set is
// valid, so a refused tunnel patch writes no module files either.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { changes, SAMPLE_AUD, SAMPLE_DOMAIN, type CrossFieldRule, type InstallConfig, type Namer } from '../../config/schema.js';
import { flagFor, type VariableSpec } from '../../config/variables.js';
import type { FileEdit, RepoPatchInput, RepoPatchPlan } from '../../patch/index.js';
import { names, tunnelRendered, usesAccess, usesBearer } from '../../templates/model.js';
import { renderWarnings } from '../../templates/notes.js';
import { moduleCallHcl, REPO_MODULE_DIR } from '../../templates/terraform/module-call.js';
import { MODULE_DIR, moduleFiles } from '../../templates/terraform/module.js';
import { docPath } from '../docs-path.js';
import { CliError, ExitCode, UsageError } from '../errors.js';
import { computeChanges, type Change } from '../io/changes.js';
import { applyChanges, unifiedDiff } from '../io/write.js';
import { ciSet } from '../../lifecycle/confirm.js';
import { DECLINED } from '../prompts/summary.js';
import { adoptCloudflared } from './repo-cloudflared.js';
import { moduleCallConflict, moduleCallRecord } from './init-repo-call.js';

export interface RepoInitOptions {
  terraformDir: string;
  cloudflaredConfigmap?: string;
  yes?: boolean;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  /** Names variables in problems by where their values came from (sources.ts labeller); flags when unset. */
  name?: Namer;
  /** Interactive runs: where the answers are saved for resume (said to stay saved only when the file exists). */
  resume?: string;
  /** Interactive runs: the summary of the choices (prompts/summary.ts), shown before the diff. */
  choices?: string | undefined;
}

type Emit = (human: string, data: Record<string, unknown>) => void;

/** The input the patcher needs, all derived from the same answers as the module. */
export function patchInput(c: InstallConfig, callHcl: string, yamlMode: boolean, terraformDir?: string): RepoPatchInput {
  return {
    serviceName: 'docker-mcp',
    hostname: `${c.tunnel_hostname}.${c.domain_suffix}`,
    serviceUrl: names(c).serviceUrl,
    ...(usesAccess(c) ? { access: { teamName: c.cf_access_team, audTag: c.cf_access_aud } } : {}),
    moduleCallHcl: callHcl,
    mode: yamlMode ? 'yaml' : 'auto',
    // The tunnel and its DNS records may be in this Terraform root while the ConfigMap is elsewhere.
    ...(yamlMode && terraformDir ? { terraformDir } : {}),
  };
}

/**
 * What --terraform-dir needs of the answers on top of the schema's rules. As rules (vars + check), so an
 * interactive run asks again at the answer that breaks one (src/cli/prompts/flow.ts) instead of
 * failing after the last question; the non-interactive messages are the same.
 */
export const repoRules: readonly CrossFieldRule[] = [
  {
    vars: ['enable_cloudflare_tunnel', 'domain_suffix'],
    check: (c, name) => tunnelRendered(c) ? undefined
      : `${name('enable_cloudflare_tunnel')}/${name('domain_suffix')}: --terraform-dir adds the gateway to your Cloudflare Tunnel, ` +
        'which needs the tunnel on and a domain (the rule routes https://<tunnel_hostname>.<domain_suffix>); without a tunnel use --output-dir',
    repairs: (c) => [changes(c, { enable_cloudflare_tunnel: true, domain_suffix: c.domain_suffix || SAMPLE_DOMAIN })],
  },
  // This path patches the user's own tunnel config and renders no Access application to take an AUD from.
  {
    vars: ['auth_mode', 'cf_access_aud'],
    check: (c, name) => usesAccess(c) && c.cf_access_aud === ''
      ? `${name('cf_access_aud')}: required with --terraform-dir when ${name('auth_mode')} is ${c.auth_mode}: it adds no Access application ` +
        'to your repo, so pass the AUD tag of the one you have (Zero Trust > Access > Applications)'
      : undefined,
    repairs: () => [{ auth_mode: 'bearer' }, { cf_access_aud: SAMPLE_AUD }],
  },
];

/** The paths --terraform-dir and --cloudflared-configmap name: checked before the first question (init-run.ts). */
export function repoPathProblems(options: Pick<RepoInitOptions, 'terraformDir' | 'cloudflaredConfigmap'>): string[] {
  const problems: string[] = [];
  const repo = resolve(options.terraformDir);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) problems.push(`--terraform-dir: ${options.terraformDir} is not a directory`);
  if (options.cloudflaredConfigmap && !existsSync(options.cloudflaredConfigmap)) {
    problems.push(`--cloudflared-configmap: ${options.cloudflaredConfigmap} does not exist`);
  }
  return problems;
}

function checkInputs(c: InstallConfig, options: RepoInitOptions): string {
  const problems = repoPathProblems(options);
  const repo = resolve(options.terraformDir);
  for (const rule of repoRules) {
    const problem = rule.check(c, options.name ?? flagFor, true);
    if (problem) problems.push(problem);
  }
  if (problems.length) throw new UsageError('invalid input; nothing was written', problems);
  return repo;
}

// The gateway then comes from rendered manifests: `init --output-dir` writes kubernetes/ and a
// NOTES.md whose docker-mcp steps are `plan|apply --target kubectl` run from that folder (notes.ts).
const noTerraformNote = (repo: string, command: string): string =>
  `No Terraform root here (no .tf file under ${repo}): only the cloudflared config is patched; no docker-mcp.tf or ` +
  `modules/ is written. Deploy the gateway from rendered manifests: \`${command}\` with the same answers, then follow <dir>/NOTES.md.`;

/** What adoptCloudflared found, as flags: without docker-mcp.tf they must reach `init --output-dir`. */
function adoptedFlags(c: InstallConfig): string {
  const labels = Object.entries(c.cloudflared_pod_labels).map(([k, v]) => `${k}=${v}`).join(',');
  return `${c.cloudflared_namespace ? ` ${flagFor('cloudflared_namespace')} ${c.cloudflared_namespace}` : ''}${labels ? ` ${flagFor('cloudflared_pod_labels')} ${labels}` : ''}`;
}

/** YAML mode leaves the module call to us: `docker-mcp.tf` at the repo root. */
function moduleCallEdit(repo: string, file: string, contents: string): FileEdit | null {
  const path = join(repo, file);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : null;
  return before === contents ? null : { path, relPath: file, before, after: contents };
}

const fileSummary = (repo: string, moduleDir: string, changes: Change[], plan: RepoPatchPlan) => [
  ...changes.map((c) => ({ path: relative(repo, join(moduleDir, c.path)), action: c.action, ...(c.reason ? { reason: c.reason } : {}) })),
  ...plan.edits.map((e) => ({ path: relative(repo, e.path), action: e.before === null ? 'create' : 'update' })),
];

/** Resolves true once nothing is left to do: written, or already up to date (false: --dry-run). */
export async function runRepoInit(c: InstallConfig, table: readonly VariableSpec[], version: string, options: RepoInitOptions, emit: Emit): Promise<boolean> {
  const repo = checkInputs(c, options);
  const warnings = renderWarnings(c);
  if (warnings.length && !options.json) process.stderr.write(warnings.map((w) => `warning: ${w.replace('see NOTES.md', `see ${docPath('installer.md')}`)}\n`).join(''));
  // Loaded only here: the patcher pulls in tree-sitter, which a plain `init` never needs.
  const { MODULE_FILE, applyRepoPatch, hasTerraformFiles, planRepoPatch, renderPatchDiff, renderPatchReport } = await import('../../patch/index.js');
  const yamlMode = options.cloudflaredConfigmap !== undefined;
  const target = yamlMode ? resolve(options.cloudflaredConfigmap!) : repo;
  let plan = await planRepoPatch(target, patchInput(c, moduleCallHcl(c, table, version), yamlMode, repo));
  // Planning is pure: plan again when the repo shows where cloudflared runs (NetworkPolicy values).
  const adopted = plan.cloudflared ? adoptCloudflared(c, table, plan.cloudflared) : null;
  if (adopted) {
    c = adopted.config;
    plan = await planRepoPatch(target, patchInput(c, moduleCallHcl(c, table, version), yamlMode, repo));
    plan.notes.push(adopted.note);
  }
  // A Flux/kustomize repo with no .tf file (review 2 finding 10): a module and docker-mcp.tf at its
  // git root would be an orphan nothing runs; patch the cloudflared YAML only and say what is next.
  // (With --cloudflared-configmap the user named --terraform-dir as the Terraform root: kept.)
  const noTerraform = !plan.refused && !yamlMode && plan.mode === 'yaml' && !hasTerraformFiles(repo);
  const outputDir = `docker-mcp init --output-dir <dir> --format yaml${adopted ? adoptedFlags(c) : ''}`;
  if (noTerraform) {
    if (adopted) plan.notes = plan.notes.map((n) => (n === adopted.note ? n.replace('/ cloudflared_pod_labels in docker-mcp.tf', '/ cloudflared_pod_labels: the flags of the `init --output-dir` below') : n));
    plan.notes.push(noTerraformNote(repo, outputDir));
  }
  const report = renderPatchReport(plan);
  const base = { repoDir: repo, mode: plan.mode, warnings, notes: plan.notes, snippets: plan.snippets };
  if (plan.refused) {
    emit(report, { status: 'refused', ...base, refused: plan.refused, files: [] });
    // What really happened (review 3 finding 9): a recognised config can be refused too (e.g. a rule a wildcard shadows).
    const why = plan.refused.split('\n')[0]!;
    throw new CliError(`${repo}: refused: ${why.length > 200 ? `${why.slice(0, 197)}...` : why}; nothing was written (see above).`, ExitCode.patchRefused);
  }
  const rootDir = plan.mode === 'terraform' ? (plan.rootModuleDir ?? repo) : repo;
  if (plan.mode === 'yaml' && !noTerraform) {
    const edit = moduleCallEdit(repo, MODULE_FILE, plan.moduleCall);
    if (edit) plan.edits.push(edit);
  }
  const moduleDir = join(rootDir, REPO_MODULE_DIR);
  const files = (noTerraform ? [] : moduleFiles(c, table, version))
    .filter((f) => f.path.startsWith(`${MODULE_DIR}/`))
    .map((f) => ({ path: f.path.slice(MODULE_DIR.length + 1), contents: f.contents }));
  const changes = computeChanges(moduleDir, files, options.force === true);
  const pending = changes.filter((ch) => ch.action !== 'unchanged');
  const shown = (ch: Change): Change => ({ ...ch, path: relative(repo, join(moduleDir, ch.path)) });
  // docker-mcp.tf under the module files' rule (review 4 finding 3): never overwrite the user's lines.
  const callEdit = plan.edits.find((e) => e.path === join(rootDir, MODULE_FILE));
  const callConflict = moduleCallConflict(moduleDir, callEdit, repo, options.force === true);
  const conflicts = [...changes.filter((ch) => ch.action === 'conflict').map(shown), ...(callConflict ? [callConflict] : [])];
  const data = { ...base, rootModuleDir: rootDir, files: fileSummary(repo, moduleDir, changes, plan) };

  if (conflicts.length) {
    const diffs = (await Promise.all(conflicts.map(async (ch) => `${ch.path}: ${ch.reason ?? ''}\n${await unifiedDiff(ch)}`))).join('\n');
    emit(diffs, { status: 'conflict', ...data });
    throw new CliError(
      `${conflicts.length} file(s) changed by hand: ${conflicts.map((ch) => ch.path).join(', ')}. Nothing was ` +
        'written; read the diff above and re-run with --force to overwrite.',
      ExitCode.conflict,
    );
  }
  if (!pending.length && !plan.edits.length) {
    emit(`${repo}: up to date\n${report}`, { status: 'up-to-date', ...data });
    return true;
  }
  const diff = (await Promise.all(pending.map((ch) => unifiedDiff(shown(ch))))).join('\n') + renderPatchDiff(plan);
  if (options.dryRun) {
    emit(`${diff}\n${report}`, { status: 'changes', ...data, diff });
    process.exitCode = ExitCode.changesPending;
    return false;
  }
  // It edits the user's own repo: without someone to ask, never write silently, and never wait on a
  // question nobody can answer (--json output is read by a program; CI and a non-TTY have no one to type).
  if (!options.yes && (options.json || ciSet(process.env) || !process.stdin.isTTY)) {
    const problem = `pass --yes to write these changes into ${repo}, or --dry-run to see them`;
    emit('', { status: 'invalid', ...data, problems: [problem] });
    throw new UsageError(problem);
  }
  // --json prints one object at the end; people see the diff before they are asked.
  // An interactive run's choices come first, so the one question below covers both (never asked twice).
  if (!options.json) process.stdout.write(`${options.choices ? `${options.choices}\n` : ''}${diff}\n${report}`);
  if (!options.yes) {
    const { confirm } = await import('../../lifecycle/confirm.js');
    // Only claim the answers are kept when they are (an unwritable state directory said so already).
    const kept = options.choices !== undefined && options.resume !== undefined && existsSync(options.resume);
    const written = await confirm(`Write these changes to ${repo}?`).catch((error: unknown) => {
      if (kept && error instanceof CliError && error.exitCode === ExitCode.interrupted) {
        throw new CliError(`${error.message} (the answers stay saved: run init again to resume)`, ExitCode.interrupted);
      }
      throw error;
    });
    if (!written) {
      // Exit 3 as --dry-run and a declined plain init: the changes exist, nothing was written.
      throw new CliError(kept ? DECLINED : 'nothing was written (declined)', ExitCode.changesPending);
    }
  }
  // The patch first: it re-checks that nothing changed since planning before its first write.
  const written = await applyRepoPatch(plan);
  // The module call's hash goes into the module's manifest too: the next run knows it as ours.
  const record = callEdit ? [moduleCallRecord(moduleDir, rootDir, MODULE_FILE, callEdit.after)] : [];
  if (pending.length || record.length) applyChanges(moduleDir, [...changes, ...record], `docker-mcp ${version}`);
  const lines = [...pending.map((ch) => shown(ch).path), ...written.map((p) => relative(repo, p))];
  const secret = usesBearer(c) ? `\nThe gateway reads its bearer tokens from Secret ${names(c).tokensSecret} (key tokens, format in ${docPath('installer.md')}).` : '';
  const next = noTerraform ? `${outputDir} (the same answers), then \`docker-mcp plan --target kubectl\` in <dir> (see <dir>/NOTES.md)` : `docker-mcp plan --target terraform --dir ${relative(process.cwd(), rootDir) || '.'}`;
  emit(`Wrote ${repo}:\n${lines.map((l) => `  ${l}`).join('\n')}${secret}\nNext: ${next}`, {
    status: 'written', ...data, diff,
  });
  return true;
}
