// pino JSON logs. Under --stdio stdout carries the MCP stream, so logs must go to stderr there.
import pino, { type DestinationStream, type Logger } from 'pino';
import { logRedactPaths, redactForLog } from '../audit/redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface LogOptions {
  level: LogLevel;
  /** 1 = stdout (default), 2 = stderr (required under --stdio). */
  fd?: 1 | 2;
  /** Where lines go instead of `fd` (tests read the written lines back). */
  destination?: DestinationStream;
}

export function createLogger(options: LogOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'docker-mcp' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Tokens and registry credentials must never reach a log line, even by accident.
      redact: {
        // The audit log's list (Authorization, cookies, Cf-Access-*, X-Registry-Auth, password/token
        // keys) plus the dotted header paths older call sites use.
        paths: [...new Set([...logRedactPaths, 'req.headers.authorization', 'headers.authorization', 'req.headers.cookie', 'headers.cookie'])],
        censor: '<redacted>',
      },
      // And the one redaction (audit/redact.ts) over every line's fields, errors included: Docker
      // echoes command lines and env entries in its error messages.
      formatters: { log: (fields) => redactForLog(fields) as Record<string, unknown> },
    },
    // Synchronous writes: a crash or a quick SIGTERM must not lose the last lines.
    options.destination ?? pino.destination({ dest: options.fd ?? 1, sync: true }),
  );
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
