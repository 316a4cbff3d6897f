// `docker-mcp destroy`: see plan.ts for the shared options.
import type { Command } from 'commander';
import { registerLifecycle } from './plan.js';

export function registerDestroy(program: Command): void {
  registerLifecycle(program, 'destroy');
}
