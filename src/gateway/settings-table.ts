// Moved to src/contract/settings.ts: the settings table is the installer–gateway contract, and the
// templates must not import the gateway to read it. Kept as a re-export until issue 18 B merges
// (changes started before the move may still import this path). New code imports src/contract/.
export * from '../contract/settings.js';
