// Plan -> changes against what is on disk. A manifest of the hashes we last wrote tells a file we
// own and nobody touched (safe to update) from one the user edited (a conflict without --force).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RenderedFile } from '../../templates/index.js';
import { readManifest } from '../../contract/output-manifest.js';

export type Action = 'create' | 'update' | 'unchanged' | 'conflict' | 'remove';

export interface Change {
  path: string;
  action: Action;
  before: string | undefined;
  after: string | undefined;
  /** Why a conflict is one (shown to the user). */
  reason?: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** A local Terraform state (or an initialised backend) in the folder of a rendered .tf file. */
function terraformStateBeside(dir: string, path: string): string | undefined {
  const root = dirname(path);
  return ['terraform.tfstate', '.terraform/terraform.tfstate'].map((f) => join(root, f)).find((f) => existsSync(join(dir, f)));
}

export function computeChanges(dir: string, files: RenderedFile[], force: boolean): Change[] {
  const manifest = readManifest(dir);
  const known = manifest?.files ?? {};
  const changes: Change[] = files.map((file) => {
    const before = readIfExists(join(dir, file.path));
    if (before === undefined) return { path: file.path, action: 'create', before, after: file.contents };
    if (before === file.contents) return { path: file.path, action: 'unchanged', before, after: file.contents };
    const ours = known[file.path] === sha256(before);
    if (ours || force) return { path: file.path, action: 'update', before, after: file.contents };
    const reason = known[file.path] ? 'edited since docker-mcp wrote it' : 'not written by docker-mcp';
    return { path: file.path, action: 'conflict', before, after: file.contents, reason };
  });
  // Files we wrote last time that this plan no longer has (e.g. the NetworkPolicy was turned off).
  const planned = new Set(files.map((f) => f.path));
  for (const [path, hash] of Object.entries(known)) {
    // `../../docker-mcp.tf`: init --terraform-dir's module call, checked and recorded by init-repo-call.ts.
    if (planned.has(path) || path.startsWith('../')) continue;
    const before = readIfExists(join(dir, path));
    if (before === undefined) continue;
    const state = path.endsWith('.tf') ? terraformStateBeside(dir, path) : undefined;
    if (state && !force) {
      // Removing the configuration would orphan what that state tracks (a format switch moves the
      // Cloudflare resources from cloudflare/ into terraform/, whose first apply would create them again).
      const root = dirname(path);
      changes.push({ path, action: 'conflict', before, after: undefined,
        reason: `no longer rendered, but ${state} still tracks what it created: run \`terraform -chdir=${root} destroy\` (or move the state) first; --force removes it anyway` });
    } else if (sha256(before) === hash || force) changes.push({ path, action: 'remove', before, after: undefined });
    else changes.push({ path, action: 'conflict', before, after: undefined, reason: 'edited, and no longer rendered' });
  }
  return changes;
}
