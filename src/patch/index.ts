// Safe patching of an existing homelab repo: plan (pure apart from reading files and an optional
// `terraform fmt`), then apply (the only writes). `init --terraform-dir` shows the plan's diff,
// asks, and calls applyRepoPatch.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { docPath } from '../cli/docs-path.js';
import { CliError, ExitCode } from '../cli/errors.js';
import { parseHcl } from '../templates/hcl-parse.js';
import { keepFormatted } from './fmt.js';
import { hasTunnelConfig, planTerraform } from './plan-terraform.js';
import { planYaml } from './plan-yaml.js';
import { scanRepo } from './repo-scan.js';
import type { RepoPatchInput, RepoPatchPlan } from './types.js';

export type { FileEdit, HclExpr, PatchAccess, RepoPatchInput, RepoPatchPlan, Snippet } from './types.js';
export { MODULE_FILE } from './plan-terraform.js';

export async function planRepoPatch(repoDir: string, input: RepoPatchInput): Promise<RepoPatchPlan> {
  const mode = input.mode ?? 'auto';
  const isFile = existsSync(repoDir) && statSync(repoDir).isFile();
  if (mode === 'yaml' || (mode === 'auto' && isFile)) return planYaml(repoDir, input);
  const scan = await scanRepo(repoDir);
  try {
    if (mode === 'auto' && !hasTunnelConfig(scan)) {
      const yaml = planYaml(repoDir, input);
      // A repo with neither: report the Terraform expectation, which is the documented layout.
      if (!yaml.refused || !/no cloudflared config found/.test(yaml.refused)) return yaml;
    }
    const plan = await planTerraform(scan, input);
    for (const edit of plan.edits) {
      const { text, reformatted } = keepFormatted(edit.before, edit.after);
      if (reformatted) {
        edit.after = text;
        plan.notes.push(`${edit.relPath}: \`terraform fmt\` realigned whitespace next to the edit.`);
      }
    }
    return plan;
  } finally {
    for (const file of scan.files) file.tree.delete();
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
