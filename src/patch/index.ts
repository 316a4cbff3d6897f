// Safe patching of an existing homelab repo: plan (pure apart from reading files and an optional
// `terraform fmt`), then apply (the only writes). `init --terraform-dir` shows the plan's diff,
// asks, and calls applyRepoPatch.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { MANIFEST } from '../contract/output-manifest.js';
import { docPath } from '../shared/docs-path.js';
import { CliError, ExitCode } from '../shared/errors.js';
import { parseHcl } from '../templates/hcl-parse.js';
import { TERRAGRUNT_UNIT_TITLE } from './terragrunt.js';
import { classify } from './classify.js';
import { finishPlan } from './finish.js';
import { buildModel, disposeModel } from './model.js';
import { listFiles } from './repo-scan.js';
import { planShape } from './planners.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

export type { FileEdit, HclExpr, PatchAccess, RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';
export { MODULE_FILE } from './refuse.js';

/**
 * One direction: read the repo into a model (model.ts), name its shape (classify.ts), plan the edit
 * for that shape (planners.ts), then what every plan gets (finish.ts). A new shape is a case in
 * classify.ts and a planner in planners.ts.
 */
export async function planRepoPatch(repoDir: string, input: RepoPatchInput): Promise<RepoPatchPlan> {
  const model = await buildModel(repoDir, input.mode ?? 'auto', input.terraformDir);
  try {
    const shape = classify(model, input, repoDir);
    return await finishPlan(model, shape, await planShape(model, shape, input), input);
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
    // Only init's manifest proves it wrote it (review 4 #10): a folder without one is the user's own module.
    const dir = plan.rootModuleDir ? join(plan.rootModuleDir, 'modules', 'docker-mcp-gateway') : null;
    const there = dir !== null && existsSync(dir);
    const ours = there && existsSync(join(dir, MANIFEST));
    const copyTo = there && !ours
      ? `copy <dir>/terraform/modules/docker-mcp-gateway to another folder (e.g. ${root}/modules/docker-mcp-gateway-rendered; ` +
        'init has no flag for the module path) and change `source` in the call to it by hand: never copy over your module.'
      : `copy <dir>/terraform/modules/docker-mcp-gateway to ${at}.`;
    const state = ours ? 'an earlier run wrote; this run left it and docker-mcp.tf as they were'
      : there ? 'holds a module of yours (no .docker-mcp-manifest.json: init did not write it); this run left it as it was'
      : 'was not written either';
    lines.push(
      '',
      `The module call points at ${at}, which ${state}. Once the rule is in ` +
        'place as shown, run this init again: when it recognises your rule it writes the module and docker-mcp.tf. If it ' +
        `still cannot read your tunnel config, render the module with \`docker-mcp init --output-dir <dir>\` and the same ` +
        `answers, and ${copyTo}`,
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
