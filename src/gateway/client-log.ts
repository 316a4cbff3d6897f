// MCP logging for one session: after the client calls logging/setLevel, the gateway sends it a
// notifications/message per tool call at or above that level (warnings for denials and failures,
// debug for successes). Until the client asks, nothing is sent: unsolicited messages would only
// cost bandwidth on every call.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import type { CallOutcome } from './observability/metrics.js';

const severity: Record<LoggingLevel, number> = {
  debug: 0, info: 1, notice: 2, warning: 3, error: 4, critical: 5, alert: 6, emergency: 7,
};

const levelOf: Record<CallOutcome, LoggingLevel> = {
  ok: 'debug', cancelled: 'info', invalid_args: 'notice', tool_error: 'warning',
  denied: 'warning', limited: 'warning', timeout: 'error', internal: 'error',
};

export interface CallLogEntry {
  tool: string;
  outcome: CallOutcome;
  durationMs: number;
  /** The failure text already shown to the client in the result; never includes secrets. */
  message?: string;
}

export type ClientLog = (entry: CallLogEntry) => void;

export function installClientLogging(server: Server): ClientLog {
  let threshold: number | undefined;
  // Replaces the SDK's own handler so the level is ours to read; the reply is the same empty result.
  server.setRequestHandler(SetLevelRequestSchema, (request) => {
    threshold = severity[request.params.level];
    return Promise.resolve({});
  });
  return (entry) => {
    const level = levelOf[entry.outcome];
    if (threshold === undefined || severity[level] < threshold) return;
    server
      .notification({ method: 'notifications/message', params: { level, logger: 'docker-mcp', data: entry } })
      .catch(() => undefined); // the session may be gone; the call's own result already went out
  };
}
