// Which requests may go quiet for longer than a proxy tolerates. Cloudflare's edge drops a proxied
// response that sends nothing for ~100–120 s (error 524), so a request that can run that long must be
// answered on a stream that carries keep-alives (SSE comments on /mcp, whitespace on /mcp/call), not
// as one JSON body written at the end.
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayCore } from '../core.js';

/** The longest silence we let a plain JSON answer have: well inside the edge's ~100 s. */
export const QUIET_LIMIT_SECONDS = 60;

export interface QuietCalls {
  /** True when a call of `tool` may take longer than QUIET_LIMIT_SECONDS. */
  toolCall: (tool: string) => boolean;
  /** The same for one MCP request: a tools/call, or anything bounded by docker_timeout. */
  request: (request: JSONRPCRequest) => boolean;
}

/**
 * A call of a long-running tool (pull, build, follow, sampled stats, events, wait, run, exec) may
 * take longer than QUIET_LIMIT_SECONDS, and so may anything once docker_timeout (plus the daemon
 * gate's ping) is set above it.
 */
export function quietCallsOf(core: Pick<GatewayCore, 'config' | 'registry'>): QuietCalls {
  let quiet = built.get(core);
  if (!quiet) built.set(core, (quiet = build(core)));
  return quiet;
}

// One per core: the tool list and the settings are fixed for its life.
const built = new WeakMap<object, QuietCalls>();

function build(core: Pick<GatewayCore, 'config' | 'registry'>): QuietCalls {
  const longTools = new Set(core.registry.tools.filter((tool) => tool.longRunning).map((tool) => tool.name));
  // A call may first wait up to ready_timeout_seconds for the daemon gate's ping.
  const shortCallsMayBeLong = core.config.docker_timeout + core.config.ready_timeout_seconds > QUIET_LIMIT_SECONDS;
  const toolCall = (tool: string): boolean => shortCallsMayBeLong || longTools.has(tool);
  return {
    toolCall,
    request: (request) => {
      if (request.method !== 'tools/call') return shortCallsMayBeLong;
      const name = (request.params as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? toolCall(name) : shortCallsMayBeLong;
    },
  };
}
