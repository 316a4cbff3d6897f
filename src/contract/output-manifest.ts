// The output folder's manifest (.docker-mcp-manifest.json): the contract between `docker-mcp init`,
// which writes it with the hash of every file it rendered (src/cli/io/write.ts), and what later
// runs in that folder (init's re-runs, plan/apply/destroy/status/doctor in src/lifecycle/), which
// read it to tell a file init owns from one the user edited, and which target the folder holds.
// Here, not in src/cli/, so src/lifecycle/ reads it without importing the CLI that calls it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MANIFEST = '.docker-mcp-manifest.json';

export interface Manifest {
  generator: string;
  files: Record<string, string>;
}

export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return data && typeof data.files === 'object' ? data : undefined;
  } catch {
    return undefined; // A broken manifest only costs us the "unedited" knowledge: every diff becomes a conflict.
  }
}

/**
 * The target init last rendered into dir, from its manifest (only --target docker writes
 * compose.yaml); undefined when dir has no manifest. Re-runs of init and plan/status run there use it.
 */
export function manifestTarget(dir: string): 'docker' | 'kubernetes' | undefined {
  const manifest = readManifest(dir);
  if (!manifest) return undefined;
  return manifest.files['compose.yaml'] ? 'docker' : 'kubernetes';
}
