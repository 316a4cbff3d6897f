// Moved to src/shared/errors.ts (the gateway throws these too, and must not import the CLI).
// Kept as a re-export until issue 18 B merges: src/patch/index.ts, owned by another change right
// now, still imports this path. New code imports src/shared/errors.ts.
export * from '../shared/errors.js';
