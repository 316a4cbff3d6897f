// The container tool family. The tools live in a few files by concern (query, observe, create,
// lifecycle); this list is what the registry sees, in the order clients will list them.
import { containerCreate, containerRun } from './containers-create.js';
import {
  containerKill,
  containerPause,
  containerPrune,
  containerRemove,
  containerRename,
  containerRestart,
  containerStart,
  containerStop,
  containerUnpause,
  containerUpdate,
  containerWait,
} from './containers-lifecycle.js';
import { containerLogs, containerStats } from './containers-observe.js';
import { containerInspect, containerList, containerTop } from './containers-query.js';
import type { ToolDefinition } from './define.js';

export const containerTools: ToolDefinition[] = [
  containerList,
  containerInspect,
  containerLogs,
  containerStats,
  containerTop,
  containerCreate,
  containerRun,
  containerStart,
  containerStop,
  containerRestart,
  containerKill,
  containerPause,
  containerUnpause,
  containerRename,
  containerUpdate,
  containerWait,
  containerRemove,
  containerPrune,
];
