// cloudflared's own ingress matching, as far as the patcher and doctor need it (review 2, findings
// 1–4, 11). Checked against cloudflared's ingress/ingress.go and ingress/rule.go, several releases:
//   a rule matches ⇔ (hostname == "" || hostname == "*" || matchHost(hostname, host))
//                    && (path == nil || path regex, Go RE2, UNANCHORED, matches the request path)
//   matchHost: equal → true; rule starting with "*." → HasSuffix(host, TrimPrefix(rule, X)) where X
//   is "*." in older releases (so `*.smith.dev` also takes `docker-mcp.johnsmith.dev`) and "*" in newer
//   ones (`.smith.dev`, any depth below it); anything else → false.
//   validateHostname: "" or "*" only on the last rule, and only without a path (the catch-all).
// We do not know which cloudflared release runs, so "older releases only" is a MAY-catch.
import { MANAGED_MARKER } from './types.js';

/** `yes` in every release, `older` only where `*.` is trimmed (suffix without the dot), else `no`. */
export function hostMatch(pattern: string, host: string): 'yes' | 'older' | 'no' {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '' || p === '*' || p === h) return 'yes';
  if (!p.startsWith('*.')) return 'no';
  if (h.endsWith(p.slice(1))) return 'yes';
  return h.endsWith(p.slice(2)) ? 'older' : 'no';
}

/**
 * A hostname still holding a `${VAR}` (Flux postBuild substitution, envsubst) is unproven: it may
 * become a wildcard or our very hostname. Only a literal head that rules that out (`grafana.${X}` for
 * `docker-mcp.…`) proves it cannot match.
 */
export function templateMayMatch(pattern: string, host: string): boolean {
  const head = pattern.slice(0, pattern.indexOf('${')).toLowerCase();
  if (head === '' || head.startsWith('*')) return true;
  return host.toLowerCase().startsWith(head);
}

export const hasTemplate = (hostname: string): boolean => hostname.includes('${');

/** cloudflared's catch-all: no hostname, `""` or `"*"`, and no path (it must be the last rule). */
export function isCatchAllHost(hostname: string | null | undefined, hasPath: boolean): boolean {
  return !hasPath && (hostname === undefined || hostname === null || hostname === '' || hostname === '*');
}

/**
 * A path regex (unanchored, RE2) that matches every request path, so the rule takes every request it
 * sees. Judged with JS RegExp on sample paths (the request's URL path, always starting with "/"; RE2 and JS agree on the plain patterns homelabs use);
 * anything JS cannot compile counts as not proven (the caller then treats it as MAY catch).
 */
export function pathTakesAll(path: string | null | undefined): boolean {
  if (path === null || path === undefined) return false;
  try {
    const re = new RegExp(path);
    return ['/', '/mcp', '/sse', '/a/b'].every((p) => re.test(p));
  } catch {
    return false;
  }
}

// The exact marker lines init writes above its rule: render.ts markerComment (HCL and YAML rules) and
// the shorter one in refuse.ts's YAML snippet. A user's comment that merely mentions docker-mcp (e.g.
// "NOT managed by docker-mcp") is not ours (review 2, finding 1).
const MARKER_LINE = new RegExp(`^docker-mcp: ${MANAGED_MARKER} init(; re-run it to change this rule)?$`);

/** One comment line (`# …`, `// …`, or the bare text YAML keeps) is init's marker, and nothing else. */
export function isMarkerLine(comment: string): boolean {
  const text = comment.trim().replace(/^(#|\/\/|\/\*)\s*/, '').replace(/\s*\*\/$/, '').trim();
  return MARKER_LINE.test(text);
}

/** YAML keeps the comment lines above a node as one string; the marker must be the last of them. */
export function endsWithMarker(commentBefore: string | null | undefined): boolean {
  const lines = (commentBefore ?? '').split('\n').filter((l) => l.trim() !== '');
  return lines.length > 0 && isMarkerLine(lines.at(-1)!);
}
