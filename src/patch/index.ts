// Safe patching of an existing homelab repo: plan (pure apart from reading files and an optional
// `terraform fmt`), then apply (the only writes). `init --terraform-dir` shows the plan's diff,
// asks, and calls applyRepoPatch.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { docPath } from '../cli/docs-path.js';
import { CliError, ExitCode } from '../cli/errors.js';
import { parseHcl } from '../templates/hcl-parse.js';
import { classify, configShape } from './classify.js';
import { addRefusalDns } from './dns-refusal.js';
import { reportBase, terraformDnsForYaml } from './sibling-config.js';
import { applyKustomizeView } from './kustomize-view.js';
import { emptyPlan, refuseYaml } from './refuse.js';
import { chosenTunnel, configPlace, refuseTunnels } from './tunnel-choice.js';
import { keepFormatted } from './fmt.js';
import { fileConfigRefusal } from './file-config-plan.js';
import { TERRAGRUNT_UNIT_TITLE } from './terragrunt.js';
import { terragruntRefusal } from './terragrunt-plan.js';
import { matchLineEndings } from './line-endings.js';
import { buildModel, disposeModel } from './model.js';
import { listFiles } from './repo-scan.js';
import { planShape } from './planners.js';
import { addRepoHints } from './repo-hints.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

export type { FileEdit, HclExpr, PatchAccess, RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';
export { MODULE_FILE } from './refuse.js';

/**
 * One direction: read the repo into a model, name its shape, plan the edit for that shape, then
 * keep every edited .tf file as `terraform fmt` would leave it.
 */
export async function planRepoPatch(repoDir: string, input: RepoPatchInput): Promise<RepoPatchPlan> {
  const model = await buildModel(repoDir, input.mode ?? 'auto', input.terraformDir);
  try {
    // What kustomize really deploys (review 3 #3, #13): overridden bases dropped, the overlay's cloudflared.
    const kview = applyKustomizeView(model, input.terraformDir);
    if (kview.refused) return refuseYaml(emptyPlan(model.repoDir, 'yaml', input), input, kview.refused);
    const terragrunt = await terragruntRefusal(model, input);
    if (terragrunt) return terragrunt;
    let shape = classify(model, input, repoDir);
    // Several tunnel configs: the one holding the docker-mcp rule is the user's choice; else refuse.
    const several = shape.kind === 'ambiguous' ? shape.configs : undefined;
    const chosen = several ? await chosenTunnel(model, several, input) : null;
    if (chosen) shape = configShape(chosen.config);
    const plan = several && !chosen ? await refuseTunnels(model, several, input) : ((await fileConfigRefusal(model, shape, input)) ?? (await planShape(model, shape, input)));
    if (chosen) plan.notes.push(`Several tunnel configs (${several!.map(configPlace).join(', ')}); ${chosen.why}.`);
    if (plan.refused && plan.mode === 'terraform' && !several) await addRefusalDns(model, shape, plan, input);
    if (shape.kind === 'yaml-list' && model.scan) await terraformDnsForYaml(model, shape.config, input, plan);
    if (!plan.refused) addRepoHints(model, shape, plan, input.serviceUrl);
    if (!plan.refused) plan.notes.push(...kview.notes);
    // A refusal prints no notes: which configs an overlay replaces matters most when choosing among several.
    else if (kview.notes.length) plan.refused = [plan.refused, ...kview.notes].join('\n');
    const cloudflared = model.cloudflared.length === 1 ? model.cloudflared[0]! : undefined;
    if (cloudflared) {
      const where = `${cloudflared.kind} ${cloudflared.name} in ${relative(reportBase(model, input), cloudflared.path) || cloudflared.path}`;
      plan.cloudflared = { namespace: cloudflared.namespace, labels: cloudflared.labels, where };
      if (cloudflared.unproven) plan.notes.push(cloudflared.unproven);
    }
    for (const edit of plan.edits) edit.after = matchLineEndings(edit.before, edit.after);
    for (const edit of plan.edits.filter((e) => e.path.endsWith('.tf'))) {
      const { text, reformatted } = keepFormatted(edit.before, edit.after);
      if (reformatted) {
        edit.after = text;
        plan.notes.push(`${edit.relPath}: \`terraform fmt\` realigned whitespace next to the edit.`);
      }
    }
    return plan;
  } finally {
    disposeModel(model);
  }
}

/** True when `dir` holds any .tf file (a Terraform root can take the module; else init --output-dir). */
export function hasTerraformFiles(dir: string): boolean {
  try {
    return listFiles(dir, ['.tf']).length > 0;
  } catch {
    return true; // too many files to list: leave the decision to the Terraform path, as before
  }
}

/** Unified diff of every edit, for the confirmation prompt and --dry-run. */
export function renderPatchDiff(plan: RepoPatchPlan): string {
  return plan.edits
    .map((e) =>
      createTwoFilesPatch(e.before === null ? '/dev/null' : `a/${e.relPath}`, `b/${e.relPath}`, e.before ?? '', e.after, undefined, undefined, { context: 3 })
        // The "=====" banner is not part of a unified diff (and `patch`/`git apply` only skip it).
        .replace(/^=+\n/, ''),
    )
    .join('');
}

/** Human summary: refusal or notes, then snippets. */
export function renderPatchReport(plan: RepoPatchPlan): string {
  const lines: string[] = [];
  if (plan.refused) {
    lines.push(`Nothing was changed: ${plan.refused}`, '', `Expected the layout from the docs (${docPath('existing-repo.md')}). To do it by hand:`);
  } else {
    lines.push(...plan.notes.map((n) => `- ${n}`));
    if (!plan.edits.length) lines.push('- Already up to date: nothing to change.');
  }
  for (const s of plan.snippets) {
    lines.push('', `# ${s.title}`, `# (${s.where})`, s.text.trimEnd());
  }
  // A Terragrunt refusal has its own way to the module (the unit snippet's title).
  if (plan.refused && !plan.snippets.some((s) => s.title.startsWith(TERRAGRUNT_UNIT_TITLE))) {
    // Never half a change: say how to get the module the printed call points at (YAML too: its call goes into the --terraform-dir).
    const root = plan.rootModuleDir ? relative(plan.repoDir, plan.rootModuleDir) || '.' : '<root module>';
    const at = plan.mode === 'yaml' ? 'modules/docker-mcp-gateway in the --terraform-dir' : `${root}/modules/docker-mcp-gateway`;
    // A re-run with changed answers may refuse where an earlier run wrote the module: not "missing".
    const kept = plan.rootModuleDir && existsSync(join(plan.rootModuleDir, 'modules', 'docker-mcp-gateway'));
    lines.push(
      '',
      `The module call points at ${at}, which ${kept ? 'an earlier run wrote; this run left it and docker-mcp.tf as they were' : 'was not written either'}. Once the rule is in ` +
        'place as shown, run this init again: when it recognises your rule it writes the module and docker-mcp.tf. If it ' +
        `still cannot read your tunnel config, render the module with \`docker-mcp init --output-dir <dir>\` and the same ` +
        `answers, and copy <dir>/terraform/modules/docker-mcp-gateway to ${at}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the plan's edits. Refuses (exit code 4, nothing written) when any file changed since
 * planning, and re-checks that every .tf result parses before the first write.
 */
export async function applyRepoPatch(plan: RepoPatchPlan): Promise<string[]> {
  if (plan.refused) throw new CliError(`refusing to patch: ${plan.refused}`, ExitCode.failure);
  for (const edit of plan.edits) {
    const current = existsSync(edit.path) ? readFileSync(edit.path, 'utf8') : null;
    if (current !== edit.before) {
      throw new CliError(`${edit.relPath} changed since the patch was planned; nothing was written. Run again.`, ExitCode.conflict);
    }
    if (edit.path.endsWith('.tf')) {
      const parsed = await parseHcl(edit.after);
      const bad = parsed.errors.length > 0;
      parsed.tree.delete();
      if (bad) throw new CliError(`the patched ${edit.relPath} does not parse; nothing was written`, ExitCode.failure);
    }
  }
  const written: string[] = [];
  for (const edit of plan.edits) {
    // Write-then-rename so an interrupted run never leaves half a file.
    const tmp = join(dirname(edit.path), `.${Date.now()}.docker-mcp.tmp`);
    writeFileSync(tmp, edit.after, { mode: edit.before === null ? 0o644 : statSync(edit.path).mode });
    renameSync(tmp, edit.path);
    written.push(edit.path);
  }
  return written;
}
