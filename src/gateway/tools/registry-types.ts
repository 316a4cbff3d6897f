// The registry's contracts: what it needs (RegistryDeps), what it offers (ToolRegistry), and the
// shapes a call goes in and comes out as. Kept apart from registry.ts so that file is only the path.
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import type Dockerode from 'dockerode';
import type { Logger } from 'pino';
import type { AuditEntry } from '../audit/audit-log.js';
import type { DaemonMonitor } from '../docker/daemon-monitor.js';
import type { CallOutcome, Metrics } from '../observability/metrics.js';
import type { Identity, OperationPolicy, PolicyDecision, Transport } from '../security.js';
import type { ProgressUpdate, ToolDefinition, ToolLimits } from './define.js';

export interface RegistryDeps {
  tools: readonly ToolDefinition[];
  docker: Dockerode;
  /** Named in "daemon unreachable" messages. */
  endpoint: string;
  policy: OperationPolicy;
  log: Logger;
  metrics: Metrics;
  limits: ToolLimits;
  /** Bound for ordinary calls (docker_timeout). */
  timeoutMs: number;
  /** Bound for tools marked longRunning (long_call_timeout_seconds). */
  longTimeoutMs: number;
  /** Aborted when the gateway shuts down: every running call ends. */
  shutdownSignal?: AbortSignal;
  /** Per-identity rate and concurrency limits (src/gateway/limits); none when absent. */
  admission?: CallAdmission;
  /** One audit record per call (src/gateway/audit); none when absent. */
  audit?: CallAuditor;
  /** Fail-fast gate while the daemon is down, and where calls report socket failures. */
  daemon?: Pick<DaemonMonitor, 'up' | 'gate' | 'reportUnreachable' | 'suspect'>;
  /** True once shutdown began: calls already running finish, new ones are refused. */
  draining?: () => boolean;
  /**
   * Check each result against the tool's output schema (default true). The gateway turns it off
   * unless validate_tool_output is set: inputs are always validated, outputs come from our own
   * typed handlers, and the tests run with it on.
   */
  validateOutput?: boolean;
}

// The limits module satisfies CallAdmission structurally; the audit record's shape is the audit
// module's own type (a type-only import: no runtime coupling).
export interface CallAdmission {
  admit(identityId: string): { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number; message: string };
}

export interface CallAuditor {
  record(entry: AuditEntry): void;
}

/** Who is calling, over what, and how to reach them while the call runs. */
export interface CallOrigin {
  identity: Identity;
  transport: Transport;
  requestId: string;
  /** Client cancel or disconnect. */
  signal: AbortSignal;
  /** Present only when the client asked for progress. */
  progress?: (update: ProgressUpdate) => Promise<void>;
}

export interface CallOutput {
  result: CallToolResult;
  outcome: CallOutcome;
  /** The checkCall/authorize decision that applied, for the audit record. */
  decision?: PolicyDecision;
  /** Set when a rate or concurrency limit refused the call (HTTP sends it as Retry-After). */
  retryAfterSeconds?: number;
  /** The Docker daemon could not be reached (gate or socket): /mcp/call answers 503 like /ready, not 422. */
  daemonUnreachable?: true;
}

export interface ToolRegistry {
  list(identity: Identity): Tool[];
  /** Every installed tool, before policy filtering. */
  readonly tools: readonly ToolDefinition[];
  /** The definition by name, when this identity may see it. */
  get(identity: Identity, name: string): ToolDefinition | undefined;
  /**
   * Throws UnknownToolError (McpError InvalidParams) when no tool has this name, and
   * HiddenToolError (McpError -32000, audited) when it exists but is hidden from this identity.
   */
  call(name: string, args: unknown, origin: CallOrigin): Promise<CallOutput>;
  /** Wires tools/list and tools/call onto one SDK server. */
  install(server: Server, transport: Transport, fallbackIdentity?: Identity): void;
  /** Calls running now (shutdown waits for 0 within its grace period). */
  inFlight(): number;
}
