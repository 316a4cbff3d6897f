// Which requests may go quiet for longer than a proxy tolerates. Cloudflare's edge drops a proxied
// response that sends nothing for ~100–120 s (error 524), so a request that can run that long must be
// answered on a stream that carries keep-alives (SSE comments on /mcp, whitespace on /mcp/call), not
// as one JSON body written at the end.
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayCore } from '../core.js';

/** The longest silence we let a plain JSON answer have: well inside the edge's ~100 s. */
export const QUIET_LIMIT_SECONDS = 60;

/**
 * True when `request` may take longer than QUIET_LIMIT_SECONDS: a call of a long-running tool
 * (pull, build, follow, sampled stats, events, wait, run, exec), or anything bounded only by a
 * docker_timeout set above the limit.
 */
export function quietTooLongFor(core: Pick<GatewayCore, 'config' | 'registry'>): (request: JSONRPCRequest) => boolean {
  const longTools = new Set(core.registry.tools.filter((tool) => tool.longRunning).map((tool) => tool.name));
  const shortCallsMayBeLong = core.config.docker_timeout > QUIET_LIMIT_SECONDS;
  return (request) => {
    if (shortCallsMayBeLong) return true;
    if (request.method !== 'tools/call') return false;
    const name = (request.params as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && longTools.has(name);
  };
}
