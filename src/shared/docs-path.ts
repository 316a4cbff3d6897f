// Where a doc this package ships lives on this machine. package.json "files" ships docs/*.md, so a
// message can point an npm/npx user at a file that exists (a bare "see docs/installer.md" pointed
// nowhere outside a clone). Kept at src/shared/ depth: ../../ is the package root from src/shared/,
// dist/shared/ and dist/bundle/ alike (packageVersion in version.ts relies on the same).
import { fileURLToPath } from 'node:url';

/** The absolute path of docs/<name> in the installed package (or the checkout). */
export function docPath(name: string): string {
  return fileURLToPath(new URL(`../../docs/${name}`, import.meta.url));
}
