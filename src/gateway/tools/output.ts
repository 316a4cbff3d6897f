// The output caps moved to src/shared/text.ts (src/gateway/docker/ caps streams too, and must not
// import the tools). The tool files keep importing them from here.
export * from '../../shared/text.js';
