// volumes tools (being written).
import type { ToolDefinition } from './define.js';

export const volumeTools: ToolDefinition[] = [];
