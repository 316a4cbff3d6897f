// Moved to src/shared/docs-path.ts (src/lifecycle/ needs it too, and must not import the CLI).
// Kept as a re-export until issue 18 B merges: src/patch/index.ts, owned by another change right
// now, still imports this path. New code imports src/shared/docs-path.ts.
export * from '../shared/docs-path.js';
