// The version this package was published as, read from package.json at run time: shared because
// the CLI prints it (`--version`, the rendered files' header) and the gateway reports it (MCP
// serverInfo, /health, metrics). Kept at src/shared/ depth: ../../package.json is the package root
// from src/shared/, dist/shared/ and dist/bundle/ alike (src/shared/docs-path.ts relies on the same).
import { readFileSync } from 'node:fs';

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
