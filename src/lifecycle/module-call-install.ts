// The install `init --terraform-dir` wired into a repo (review 4 finding 9): its docker-mcp.tf module
// call names the namespace and project_name (the instance label), so `doctor --terraform-dir <repo>`
// (or --dir <root>) checks that install, not the defaults. Read as text: the lifecycle commands never
// load the HCL parser, and init writes this file in one known shape (templates/terraform/module-call.ts).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { RenderedInstall } from './output-folder.js';

const FILE = 'docker-mcp.tf';

/** The docker-mcp.tf in dir, else the only one in its direct subfolders (a root module below the repo root). */
function findCall(dir: string): string | undefined {
  if (existsSync(join(dir, FILE))) return join(dir, FILE);
  try {
    const found = readdirSync(dir)
      .filter((n) => !n.startsWith('.'))
      .map((n) => join(dir, n, FILE))
      .filter((p) => existsSync(p) && statSync(p).isFile());
    return found.length === 1 ? found[0] : undefined;
  } catch {
    return undefined;
  }
}

/** A literal string argument of the module block; undefined for an expression (var.x) or none. */
function literal(body: string, name: string): string | undefined {
  return new RegExp(`^\\s*${name}\\s*=\\s*"([^"$%]*)"\\s*$`, 'm').exec(body)?.[1] || undefined;
}

/** Namespace and instance from dir's docker-mcp.tf module "docker_mcp_gateway", or undefined. */
export function moduleCallInstall(dir: string): RenderedInstall | undefined {
  const path = findCall(dir);
  if (!path) return undefined;
  const text = readFileSync(path, 'utf8');
  const start = text.search(/^module\s+"docker_mcp_gateway"\s*\{/m);
  if (start < 0) return undefined;
  const end = text.slice(start).search(/^\}/m);
  const body = text.slice(start, end < 0 ? undefined : start + end);
  // The module's defaults (variables.ts) when the call leaves them out.
  const namespace = literal(body, 'namespace') ?? (/^\s*namespace\s*=/m.test(body) ? undefined : 'homelab');
  const instance = literal(body, 'project_name') ?? (/^\s*project_name\s*=/m.test(body) ? undefined : 'homelab');
  return namespace || instance ? { namespace, instance, source: `${relative(process.cwd(), path) || FILE}` } : undefined;
}
