// exec tools (being written).
import type { ToolDefinition } from './define.js';

export const execTools: ToolDefinition[] = [];
