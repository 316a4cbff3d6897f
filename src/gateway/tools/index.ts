// The full tool list, one file per family. The registry filters it by policy per caller.
import type { ToolDefinition } from './define.js';
import { composeTools } from './compose.js';
import { containerTools } from './containers.js';
import { execTools } from './exec.js';
import { imageTools } from './images.js';
import { networkTools } from './networks.js';
import { systemTools } from './system.js';
import { volumeTools } from './volumes.js';

export const allTools: readonly ToolDefinition[] = [
  ...containerTools,
  ...execTools,
  ...imageTools,
  ...volumeTools,
  ...networkTools,
  ...systemTools,
  ...composeTools,
];
