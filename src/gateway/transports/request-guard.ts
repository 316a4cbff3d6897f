// Origin and Host checks, in one place for every MCP route (/mcp, /ws, /mcp/call). MCP requires
// validating Origin (a browser page must not drive the Docker socket), and a loopback bind must
// also check Host, or DNS rebinding turns a web page into a same-origin caller.
import type { IncomingMessage } from 'node:http';

export type GuardResult = { ok: true } | { ok: false; status: 403; message: string };

export interface RequestGuard {
  check(req: IncomingMessage): GuardResult;
}

const loopbackNames = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(hostHeader: string): string {
  // "[::1]:8080" keeps its brackets; "example.com:8080" loses the port.
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  return match?.[1] ?? hostHeader;
}

function isLoopback(name: string): boolean {
  return loopbackNames.has(name) || /^127(\.\d{1,3}){3}$/.test(name);
}

export function defaultRequestGuard(settings: { host: string; allowed_origins?: string[] | undefined }): RequestGuard {
  const loopbackBind = isLoopback(settings.host.toLowerCase());
  const allowed = new Set((settings.allowed_origins ?? []).map((o) => o.replace(/\/+$/, '').toLowerCase()));
  return {
    check(req) {
      const host = req.headers.host;
      if (loopbackBind && host && !isLoopback(hostnameOf(host))) {
        return { ok: false, status: 403, message: `Host "${host}" is not allowed on a loopback-bound gateway (DNS rebinding protection).` };
      }
      const origin = req.headers.origin;
      if (origin === undefined) return { ok: true };
      const normalized = origin.replace(/\/+$/, '').toLowerCase();
      if (allowed.has(normalized)) return { ok: true };
      let originHost: string | undefined;
      try {
        originHost = new URL(normalized).host;
      } catch {
        originHost = undefined;
      }
      // Same-origin requests and local pages on a local gateway are fine; anything else must be listed.
      if (originHost && host && originHost === host.toLowerCase()) return { ok: true };
      if (originHost && loopbackBind && isLoopback(hostnameOf(originHost))) return { ok: true };
      return {
        ok: false,
        status: 403,
        message: `Origin "${origin}" is not allowed. Add it to allowed_origins (DOCKER_MCP_ALLOWED_ORIGINS) if this page should reach the gateway.`,
      };
    },
  };
}
