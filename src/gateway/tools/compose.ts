// compose tools (being written).
import type { ToolDefinition } from './define.js';

export const composeTools: ToolDefinition[] = [];
