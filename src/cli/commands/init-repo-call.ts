// docker-mcp.tf is the user's repo file that init owns (review 4 finding 3): the module files' rule
// (src/cli/io/changes.ts) applies to it too. Its hash is kept in the module's manifest under its path
// relative to the module folder (`../../docker-mcp.tf`), so a re-run tells "ours, untouched" (rewrite)
// from "the user's own file" or "ours, edited since" (a conflict: exit 4 and the diff; --force overwrites).
import { join, relative } from 'node:path';
import { readManifest } from '../../contract/output-manifest.js';
import type { FileEdit } from '../../patch/index.js';
import { sha256, type Change } from '../io/changes.js';

/** The header every docker-mcp.tf init rendered starts with (templates/terraform/module-call.ts). */
const HEADER = '# Rendered by docker-mcp ';

/** The manifest key of the module call, relative to the module folder whose manifest holds it. */
export const callKey = (moduleDir: string, callFile: string): string => relative(moduleDir, callFile);

/**
 * The conflict writing `edit` (the new docker-mcp.tf) would be, or null when it may be written:
 * a new file, --force, the hash init recorded, or (no hash yet: written by an init before hashes were
 * kept) a file that still starts with init's header. `path` is relative to the repo (for the diff).
 */
export function moduleCallConflict(moduleDir: string, edit: FileEdit | undefined, repo: string, force: boolean): Change | null {
  if (!edit || edit.before === null || force) return null;
  const known = readManifest(moduleDir)?.files[callKey(moduleDir, edit.path)];
  if (known === sha256(edit.before)) return null;
  if (known === undefined && edit.before.startsWith(HEADER)) return null;
  const reason = known === undefined ? 'not written by docker-mcp' : 'edited since docker-mcp wrote it';
  return { path: relative(repo, edit.path), action: 'conflict', before: edit.before, after: edit.after, reason };
}

/** The manifest entry for the module call as it is after this run ('unchanged': applyChanges records, never writes). */
export function moduleCallRecord(moduleDir: string, rootDir: string, moduleFile: string, contents: string): Change {
  return { path: callKey(moduleDir, join(rootDir, moduleFile)), action: 'unchanged', before: contents, after: contents };
}
