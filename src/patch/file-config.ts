// Tunnel rules kept outside the .tf files (review 2 finding 15): `templatefile("cloudflared.yaml.tftpl")`
// or `file(...)` feeding a ConfigMap, `jsondecode(file("ingress.json"))` as a v5 `ingress`. A
// template whose text is a cloudflared config with a literal `ingress:` list goes through the YAML
// planner like any config file; a JSON or YAML list read by a decode function gets a refusal naming
// that file, with the rule in the file's own syntax.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RepoScan, TfFile } from './repo-scan.js';
import { findYamlConfigs, type YamlConfig } from './yaml-scan.js';

/** `"${path.module}/x"` (or a plain relative path) as a file path; null when it needs other values. */
export function referencedPath(file: TfFile, literal: string): string | null {
  const path = literal.replace(/^\$\{path\.module\}\//, './');
  return path.includes('${') ? null : resolve(file.dir, path);
}

/** Files read by `templatefile(…)` / `file(…)` in the .tf files, with the line of the call. */
export function referencedFiles(scan: RepoScan): { file: TfFile; line: number; path: string; call: string }[] {
  const out: { file: TfFile; line: number; path: string; call: string }[] = [];
  for (const file of scan.files) {
    for (const m of file.text.matchAll(/\b(templatefile|file)\(\s*"([^"]+)"/g)) {
      const path = referencedPath(file, m[2]!);
      if (path && existsSync(path) && statSync(path).isFile()) {
        out.push({ file, line: file.text.slice(0, m.index).split('\n').length, path, call: m[1]! });
      }
    }
  }
  return out;
}

/**
 * cloudflared configs in templates the .tf files render (not .yaml/.yml, which the YAML scan
 * already reads): a `.tftpl` ConfigMap body with a literal `ingress:` list is patched as YAML.
 */
export function templateConfigs(scan: RepoScan): YamlConfig[] {
  const paths = [...new Set(referencedFiles(scan).map((r) => r.path))].filter((p) => !/\.(ya?ml|json|tf)$/.test(p));
  return paths.flatMap((p) => {
    try {
      return findYamlConfigs(p);
    } catch {
      return []; // template directives (%{ … }) that are not YAML: left to the refusal
    }
  });
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
