// `docker-mcp apply`: see plan.ts for the shared options.
import type { Command } from 'commander';
import { registerLifecycle } from './plan.js';

export function registerApply(program: Command): void {
  registerLifecycle(program, 'apply');
}
