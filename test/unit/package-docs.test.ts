// What the README and the CLI's messages point at must be in the package an npm/npx user has
// (issue 16 review, finding 5): docs/*.md were not shipped, so "see docs/installer.md" and the
// README's docs links pointed nowhere outside a clone. The file list is npm's own
// (`npm pack --dry-run`, no scripts, no network).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { docPath } from '../../src/shared/docs-path.js';
import { repoRoot } from '../helpers/build.js';
import { npmEnv } from '../helpers/npm-env.js';

const packed = (): Set<string> => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: repoRoot, env: npmEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
  const [meta] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(meta!.files.map((f) => f.path));
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('docs an npm user is pointed at ship in the package', () => {
  const files = packed();

  it('every docs/*.md and CHANGELOG.md link of the README', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\(((?:docs\/[\w-]+\.md)|CHANGELOG\.md)(?:#[^)]*)?\)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThan(3);
    expect(linked.filter((path) => !files.has(path))).toEqual([]);
  });

  it('every doc a CLI message names through docPath', () => {
    const named = sources(join(repoRoot, 'src')).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/docPath\('([\w-]+\.md)'\)/g)].map((m) => `docs/${m[1]!}`));
    expect(named.length).toBeGreaterThan(2);
    expect(named.filter((path) => !files.has(path))).toEqual([]);
    // …and docPath finds them from the package root (dist/bundle/ and src/cli/ are both two deep).
    expect(docPath('installer.md')).toBe(join(repoRoot, 'docs', 'installer.md'));
    expect(existsSync(docPath('existing-repo.md'))).toBe(true);
  });

  it('the images the shipped docs embed', () => {
    for (const path of [...files].filter((f) => f.startsWith('docs/') && f.endsWith('.md'))) {
      const text = readFileSync(join(repoRoot, path), 'utf8');
      for (const m of text.matchAll(/!\[[^\]]*\]\(([\w.-]+\.(?:png|svg))\)/g)) expect(files, `${path} embeds ${m[1]!}`).toContain(`docs/${m[1]!}`);
    }
  });
});
