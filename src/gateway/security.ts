// The seam between the transports/registry (gateway core) and the security layer (auth/, policy/).
// The core calls these interfaces in exactly one place each; the defaults allow everything and are
// only used on loopback without configured auth.
import type { IncomingMessage } from 'node:http';
import type { GuardedOperation, ToolAccess, ToolDefinition } from './tools/define.js';

export type Scope = ToolAccess;

export interface Identity {
  /** Stable id for sessions, rate limits and audit: `token:<name>`, `email:<addr>`, `service:<cn>`, `oauth:<sub>`, `local`. */
  id: string;
  kind: 'anonymous' | 'token' | 'cloudflare-access' | 'oauth';
  /** Human-readable, never secret (token name, email, service token common name). */
  name: string;
  scopes: ReadonlySet<Scope>;
}

export type Transport = 'http' | 'ws' | 'stdio' | 'legacy';

export type AuthResult =
  | { ok: true; identity: Identity }
  | { ok: false; status: 401 | 403; message: string; wwwAuthenticate?: string };

export interface Authenticator {
  /** Called once per HTTP request and once per WebSocket upgrade, before anything else. */
  authenticate(req: IncomingMessage): Promise<AuthResult>;
}

export interface PolicyDecision {
  allowed: boolean;
  /** Which rule decided, and how to allow it when denied. */
  rule?: string;
  reason?: string;
  howToAllow?: string;
}

export interface OperationPolicy {
  /** The policy preset (read-only, operator, admin), named when a call to a tool it hides is refused. */
  readonly preset?: string;
  /** Tools this identity may ever call; the others are not even listed. */
  visibleTools(identity: Identity, tools: readonly ToolDefinition[]): ToolDefinition[];
  /** Checked before a call's handler runs (scope + tool allow/deny). */
  checkCall(identity: Identity, tool: ToolDefinition): PolicyDecision;
  /** Checked by handlers (via ToolContext.authorize) on the exact body sent to Docker. */
  authorize(identity: Identity, operation: GuardedOperation): Promise<PolicyDecision>;
}

export const allScopes: ReadonlySet<Scope> = new Set<Scope>(['read', 'operate', 'admin']);

export const localIdentity: Identity = { id: 'local', kind: 'anonymous', name: 'local', scopes: allScopes };

export const allowAllAuthenticator: Authenticator = {
  authenticate: () => Promise.resolve({ ok: true, identity: localIdentity }),
};

export const allowAllPolicy: OperationPolicy = {
  visibleTools: (_identity, tools) => [...tools],
  checkCall: () => ({ allowed: true }),
  authorize: () => Promise.resolve({ allowed: true }),
};
