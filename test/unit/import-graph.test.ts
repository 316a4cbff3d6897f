// The arrows between src/'s parts run one way: the CLI calls everything; the gateway depends only on
// src/shared/, src/contract/ and src/config/; the templates only on the contracts they render; the
// Docker layer never on the tools built on it; and src/shared/ on nothing of ours. Issue 18 moved
// what both halves shared (errors, exit codes, the package version, the settings table, ToolError,
// the output caps) into src/shared/ and src/contract/; this test keeps the arrows from growing back.
// A regex over import / export-from / import() lines is enough: every relative import in src/ is
// written that way, and a false hit errs on the strict side.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every top-level folder of src/. A new one fails the test until the rules below decide about it. */
const AREAS = ['cli', 'config', 'connect', 'contract', 'gateway', 'image', 'lifecycle', 'patch', 'shared', 'templates'];

const allBut = (...kept: string[]): string[] => AREAS.filter((area) => !kept.includes(area)).map((area) => `${area}/`);

interface Rule {
  /** Path prefixes under src/ the rule applies to. */
  from: string[];
  /** Path prefixes under src/ those files must not import. */
  forbidden: string[];
  why: string;
}

const RULES: Rule[] = [
  { from: ['shared/'], forbidden: allBut('shared'),
    why: 'src/shared/ is what every part may use, so it uses no part' },
  { from: ['contract/'], forbidden: allBut('contract', 'shared'),
    why: 'a contract is read by both sides of a seam; importing either side would tie them together again' },
  { from: ['config/'], forbidden: allBut('config', 'contract', 'shared'),
    why: "the installer's variable table is read by the CLI, the templates and the gateway's config loader; it pulls none of them in" },
  { from: ['gateway/'], forbidden: ['cli/', 'connect/', 'image/', 'lifecycle/', 'patch/', 'templates/'],
    why: 'the gateway runs alone (`docker-mcp serve`, its container): it depends on src/shared/, src/contract/ and src/config/ only' },
  { from: ['gateway/docker/'], forbidden: ['gateway/tools/'],
    why: 'the Docker layer is under the tools built on it (ToolError, the output caps and ProgressUpdate are in src/shared/)' },
  { from: ['templates/'], forbidden: ['cli/', 'connect/', 'gateway/', 'image/', 'lifecycle/', 'patch/'],
    why: 'rendering knows the contracts (src/contract/), not the programs it configures' },
  { from: allBut('cli'), forbidden: ['cli/'],
    why: 'only the CLI imports the CLI: errors, exit codes and the version are in src/shared/, and a runner types its own flags' },
  { from: ['connect/', 'image/', 'lifecycle/'], forbidden: ['gateway/'],
    why: 'the installer commands and the connect bridge do not run the gateway' },
];

interface Exception {
  from: string;
  to: string;
  until: string;
}

const MARKER_MOVES = 'until TUNNEL_STATUS_MARKER, shared by the rendered module call and the patcher, moves to src/contract/';
const DOCKER_CLIENT_MOVES = 'until the Docker client moves to src/docker/ (docs/dev/ISSUE18-PLAN.md 3.4, its optional second step)';

/** Known crossings, each with what ends it. An exception no import needs any more fails the test. */
const EXCEPTIONS: Exception[] = [
  { from: 'templates/terraform/module-call.ts', to: 'patch/types.ts', until: MARKER_MOVES },
  { from: 'image/command.ts', to: 'gateway/docker/client.ts', until: DOCKER_CLIENT_MOVES },
  { from: 'image/command.ts', to: 'gateway/tools/images-reference.ts', until: DOCKER_CLIENT_MOVES },
  { from: 'image/push.ts', to: 'gateway/tools/images-reference.ts', until: DOCKER_CLIENT_MOVES },
  { from: 'lifecycle/docker-target/cli.ts', to: 'gateway/docker/errors.ts', until: DOCKER_CLIENT_MOVES },
  { from: 'lifecycle/docker-target/index.ts', to: 'gateway/docker/client.ts', until: DOCKER_CLIENT_MOVES },
];

/**
 * The old homes, kept as re-exports only so files other branches are changing right now still
 * compile; delete each once issue 18 B merges and nothing imports it.
 */
const TEMPORARY_REEXPORTS = ['cli/errors.ts', 'cli/docs-path.ts', 'gateway/settings-table.ts'];

interface Arrow {
  from: string;
  to: string;
}

const SPECIFIER = /\b(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The src-relative files `source` (the text of src/<file>) imports, re-exports or loads lazily. */
function arrowsOf(file: string, source: string): Arrow[] {
  // Comments may quote an import ("lazily imported by …"); only code counts.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  return [...code.matchAll(SPECIFIER)].map((match) => ({
    from: file,
    to: posix.normalize(posix.join(posix.dirname(file), match[1] ?? '')).replace(/\.js$/, '.ts'),
  }));
}

const starts = (path: string, prefixes: string[]): boolean => prefixes.some((prefix) => path.startsWith(prefix));

/** One line per arrow a rule forbids and no exception allows. */
function violations(arrows: Arrow[], exceptions: Exception[] = EXCEPTIONS): string[] {
  return arrows.flatMap((arrow) => {
    if (exceptions.some((e) => e.from === arrow.from && e.to === arrow.to)) return [];
    return RULES.filter((rule) => starts(arrow.from, rule.from) && starts(arrow.to, rule.forbidden)).map(
      (rule) => `src/${arrow.from} imports src/${arrow.to}: ${rule.why}`,
    );
  });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [relative(SRC, path).split(sep).join('/')] : [];
  });
}

const files = sourceFiles(SRC);
const arrows = files.flatMap((file) => arrowsOf(file, readFileSync(join(SRC, file), 'utf8')));

describe('import graph of src/', () => {
  it('finds the imports of every kind, and flags a forbidden one (the check itself works)', () => {
    const source = [
      '// lazily imported by ../cli/commands/serve.js',
      "import { UsageError,\n  ExitCode } from '../cli/errors.js';",
      "export { envName } from '../contract/settings.js';",
      "import type { Metrics } from './observability/metrics.js';",
      "const { renderAll } = await import('../templates/index.js');",
    ].join('\n');
    const found = arrowsOf('gateway/config.ts', source);
    expect(found.map((arrow) => arrow.to)).toEqual([
      'cli/errors.ts',
      'contract/settings.ts',
      'gateway/observability/metrics.ts',
      'templates/index.ts',
    ]);
    expect(violations(found)).toEqual([
      expect.stringMatching(/^src\/gateway\/config\.ts imports src\/cli\/errors\.ts: the gateway runs alone/),
      expect.stringMatching(/^src\/gateway\/config\.ts imports src\/cli\/errors\.ts: only the CLI imports the CLI/),
      expect.stringMatching(/^src\/gateway\/config\.ts imports src\/templates\/index\.ts: the gateway runs alone/),
    ]);
    // An exception allows its one arrow, not the same import from another file.
    expect(violations([{ from: 'image/push.ts', to: 'gateway/tools/images-reference.ts' }])).toEqual([]);
    expect(violations([{ from: 'image/build.ts', to: 'gateway/tools/images-reference.ts' }])).toHaveLength(1);
    expect(violations([{ from: 'patch/render.ts', to: 'cli/errors.ts' }])).toHaveLength(1);
    expect(violations([{ from: 'gateway/docker/errors.ts', to: 'gateway/tools/define.ts' }])).toHaveLength(1);
  });

  it('has rules for every folder of src/', () => {
    expect(files.length).toBeGreaterThan(100);
    const topLevel = readdirSync(SRC).filter((name) => !name.startsWith('.'));
    expect(topLevel.filter((name) => !AREAS.includes(name) || !statSync(join(SRC, name)).isDirectory())).toEqual([]);
  });

  it('has no import against the arrows', () => {
    expect(violations(arrows)).toEqual([]);
  });

  it('lists only exceptions an import still needs', () => {
    const stale = EXCEPTIONS.filter((e) => !arrows.some((arrow) => arrow.from === e.from && arrow.to === e.to));
    expect(stale).toEqual([]);
  });

  it('keeps the old homes thin re-exports of the new ones', () => {
    for (const file of TEMPORARY_REEXPORTS) {
      const code = readFileSync(join(SRC, file), 'utf8').replace(/^\s*\/\/.*$/gm, '').trim();
      expect(code, `src/${file}`).toMatch(/^(export (\*|\{[^}]*\}) from '[^']+';\s*)+$/);
    }
  });
});
