// networks tools (being written).
import type { ToolDefinition } from './define.js';

export const networkTools: ToolDefinition[] = [];
