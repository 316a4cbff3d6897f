// Turns dockerode / socket errors into messages a person can act on. Used by the tool registry
// for every tool, so handlers never format Docker errors themselves.
import { ToolError } from '../tools/define.js';

interface DockerodeError extends Error {
  statusCode?: number;
  code?: string;
  json?: { message?: string } | null;
  reason?: string;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ETIMEDOUT']);

export function isDaemonUnreachable(error: unknown): boolean {
  const code = (error as DockerodeError | undefined)?.code;
  return typeof code === 'string' && unreachableCodes.has(code);
}

export function dockerErrorMessage(error: unknown): string {
  const e = error as DockerodeError;
  const fromDaemon = e.json?.message ?? (typeof e.json === 'string' ? e.json : undefined);
  return (fromDaemon ?? e.message ?? String(error)).trim();
}

export function toToolError(error: unknown, endpoint: string): ToolError {
  if (error instanceof ToolError) return error;
  const e = error as DockerodeError;
  if (isDaemonUnreachable(error)) {
    const why =
      e.code === 'EACCES'
        ? 'permission denied (is the gateway user in the socket\'s group?)'
        : e.code === 'ENOENT'
          ? 'the socket does not exist'
          : e.code === 'ECONNRESET' || e.code === 'EPIPE'
            ? `the connection broke during the call (${e.code}; did the daemon restart?)`
            : `${e.code}`;
    return new ToolError(
      `Docker daemon unreachable at ${endpoint}: ${why}.`,
      'Check that dockerd is running and that DOCKER_MCP_DOCKER_HOST points at it.',
    );
  }
  const message = dockerErrorMessage(error);
  switch (e.statusCode) {
    case 304:
      return new ToolError(`Nothing to do: ${message || 'already in that state'}.`);
    case 400:
      return new ToolError(`Docker rejected the request: ${message}`);
    case 401:
    case 403:
      return new ToolError(`Docker refused the operation: ${message}`);
    case 404:
      return new ToolError(`Not found: ${message}`, 'List the objects first to get a valid id or name.');
    case 409:
      return new ToolError(`Conflict: ${message}`);
    case 500:
      return new ToolError(`Docker daemon error: ${message}`);
    default:
      return new ToolError(message || 'Docker request failed.');
  }
}
