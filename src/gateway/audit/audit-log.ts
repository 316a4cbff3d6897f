// One structured line per tool call — who, over which transport, which tool, with which
// (redacted) arguments, what the policy decided, how it ended and how long it took — to stdout and
// optionally to `audit_file`. A separate pino instance (not the core logger) so the audit trail
// does not depend on log_level: it is written at `info` with `audit: true` whatever the level.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { PolicyDecision, Transport } from '../security.js';
import { redactForLog } from './redact.js';

export interface AuditEntry {
  identity: string;
  transport: Transport;
  tool: string;
  arguments?: unknown;
  decision: PolicyDecision;
  /** `denied` = refused by auth/policy/limits, `error` = the tool failed, `ok` = it succeeded. */
  outcome: 'ok' | 'error' | 'denied' | 'limited' | 'cancelled';
  /** For `error`: which kind, as in the tool_calls_total metric's outcome label. */
  errorKind?: 'tool_error' | 'invalid_args' | 'internal' | 'timeout';
  durationMs: number;
  /** Short failure text (never a credential: it is redacted like the arguments). */
  error?: string;
  sessionId?: string;
  requestId?: string | number;
}

export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Flushes the file destination. */
  close(): Promise<void>;
}

export interface AuditOptions {
  audit_file?: string | undefined;
  /** Defaults to stdout; stdio mode must pass stderr (stdout carries MCP). */
  stream?: DestinationStream;
}

/** Largest `arguments` an audit line carries, as JSON text; bigger ones keep a preview. */
export const AUDIT_ARGUMENTS_MAX_CHARS = 16_384;

/**
 * Redacted and bounded arguments. redactForLog cuts strings, lists and depth, but not the number
 * or length of object keys: a 1 MB arguments object of short keys (a call refused as invalid, which
 * costs no rate-limit token) made a 1 MB line. Above the cap a preview of the redacted JSON stays.
 */
function boundedArguments(args: unknown): unknown {
  const redacted = redactForLog(args ?? {});
  const text = JSON.stringify(redacted) ?? '';
  if (text.length <= AUDIT_ARGUMENTS_MAX_CHARS) return redacted;
  return { '[truncated]': `${text.length} chars`, preview: text.slice(0, 4096) };
}

export function createAuditLog(options: AuditOptions = {}): AuditLog {
  // Synchronous like the main log and the audit file: a line is on its way before the caller gets
  // its answer, and none is lost in a buffer if the process dies. (pino.destination(1) alone is
  // asynchronous: each line went through the libuv thread pool, which also cost ~45 µs per call.)
  const main = options.stream ?? pino.destination({ dest: 1, sync: true });
  let file: (DestinationStream & { flushSync?: () => void; end?: () => void }) | undefined;
  if (options.audit_file) {
    mkdirSync(dirname(options.audit_file), { recursive: true });
    file = pino.destination({ dest: options.audit_file, append: true, sync: true, mkdir: true });
  }
  // No pino `redact` here: every free-form field (arguments, error, decision reason) goes through redact.ts,
  // whose key rule covers all of pino's redact paths, and the rest are fixed-shape values. pino's
  // path redaction would cost ~15 µs per line for nothing (docs/benchmarks.md, third pass).
  const logger: Logger = pino(
    { base: { audit: true }, timestamp: pino.stdTimeFunctions.isoTime, level: 'info' },
    file ? pino.multistream([{ stream: main }, { stream: file }]) : main,
  );
  return {
    record(entry) {
      const { decision } = entry;
      logger.info(
        {
          identity: entry.identity,
          transport: entry.transport,
          tool: entry.tool,
          arguments: boundedArguments(entry.arguments),
          decision: decision.allowed
            ? 'allow'
            // A policy reason quotes what the caller sent (an ADD URL with a password, a path):
            // redacted like the arguments, not trusted as fixed text.
            : { result: 'deny', rule: decision.rule, reason: decision.reason === undefined ? undefined : redactForLog(decision.reason) },
          outcome: entry.outcome,
          ...(entry.errorKind ? { errorKind: entry.errorKind } : {}),
          durationMs: Math.round(entry.durationMs),
          ...(entry.error ? { error: redactForLog(entry.error) } : {}),
          // Both may carry a caller-chosen JSON-RPC id (WebSocket, stdio): cut like argument strings.
          ...(entry.sessionId ? { sessionId: redactForLog(entry.sessionId) } : {}),
          ...(entry.requestId !== undefined ? { requestId: redactForLog(entry.requestId) } : {}),
        },
        `audit ${entry.tool} ${entry.outcome}`,
      );
    },
    close() {
      file?.flushSync?.();
      file?.end?.();
      return Promise.resolve();
    },
  };
}
