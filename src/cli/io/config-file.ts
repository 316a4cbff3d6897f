// init's answers file (docker-mcp.yaml): found, read and parsed, with each failure named for what
// it is. A folder given to -c or a file init may not read used to come out as "not valid YAML:
// EISDIR…"/"EACCES…", which sends the user to look at YAML that was never read; a YAML error
// ended with the library's dangling "at line 2, column 1:" (its code frame, which quotes the file,
// is dropped: the file may hold secrets).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { ANSWERS_FILE } from '../../templates/index.js';
import { UsageError } from '../../shared/errors.js';
import type { Inputs } from '../../config/sources.js';
import { unreadableReason, yamlProblem } from '../../config/file-errors.js';

export { unreadableReason, yamlProblem };

export function loadConfigFile(explicit: string | undefined, dir: string): Inputs['configFile'] {
  const candidates = explicit ? [explicit] : [ANSWERS_FILE, resolve(dir, ANSWERS_FILE)];
  const path = candidates.find((p) => existsSync(p));
  if (!path) {
    if (explicit) throw new UsageError(`config file ${explicit} does not exist`);
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = unreadableReason(error);
    if (!reason) throw error;
    throw new UsageError(`config file ${path} ${reason}${explicit ? ': give -c a readable YAML file' : ''}`);
  }
  try {
    return { path, data: parse(text) as unknown };
  } catch (error) {
    throw new UsageError(`${path}: not valid YAML at ${yamlProblem(error)}`);
  }
}
