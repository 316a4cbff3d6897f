// Types for scripts/bundle-deps.js (plain JS: the build script runs it before anything is compiled).
export interface BundleMetafile {
  outputs: Record<string, { imports?: { path: string; kind?: string; external?: boolean }[] }>;
}
export const RESOLVED_AT_RUN_TIME: string[];
export const OPTIONAL_IMPORTS: string[];
export function packageOf(specifier: string): string;
export function externalPackages(metafile: BundleMetafile): Set<string>;
export function runtimeDependencyProblems(metafile: BundleMetafile, packageJson: { dependencies?: Record<string, string> }): string[];
