// How a settings/answers file failed to load, in words that name the cause: shared by init's
// docker-mcp.yaml (src/cli/io/config-file.ts) and serve's --config (src/gateway/config.ts). Only the
// yaml library is imported here, so serve does not load the installer's templates to use it.
import { YAMLParseError } from 'yaml';

/** Why a path cannot be read, in the words `ls` would suggest; undefined for errors not about the file. */
export function unreadableReason(error: unknown): string | undefined {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'ENOENT':
      return 'does not exist';
    case 'ENOTDIR':
      return 'does not exist (a parent is a file, not a folder)';
    default:
      return undefined;
  }
}

/** One line: "line 2, column 1: Missing closing "quote", from the yaml library's error. */
export function yamlProblem(error: unknown): string {
  const message = (error as Error).message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '');
  const at = error instanceof YAMLParseError ? error.linePos?.[0] : undefined;
  return at ? `line ${at.line}, column ${at.col}: ${message}` : message;
}
