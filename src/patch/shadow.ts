// Whether one earlier ingress rule takes (or may take) requests meant for `host`, with cloudflared's
// own matching (cloudflared-match.ts). Placing our exact-hostname rule above a rule that only MAY
// catch it is harmless either way, so every doubt counts as a catch (`unknown`, with `why` for the
// note); only a catch in every cloudflared release is a proven one (review 2, findings 3 and 4).
import { hostMatch, pathTakesAll } from './cloudflared-match.js';
import type { RuleView } from './match.js';

export function shadowOf<T>(view: RuleView<T>, host: string): RuleView<T> | null {
  if (view.hasPath) {
    const path = view.path ?? null;
    const pathShown = path === null ? 'a path the repo does not prove' : `path ${path}`;
    const all = pathTakesAll(path);
    if (view.hostless) {
      // cloudflared allows a hostless path rule anywhere; its (unanchored) regex is tried for every host.
      const why = all
        ? `has no hostname and its ${pathShown} matches every request path, so it takes every request for ${host}`
        : `has no hostname, so cloudflared tries it for ${host} too, and its ${pathShown} may match the gateway's requests`;
      return { ...view, unknown: !all, shown: `any host, ${pathShown}`, why };
    }
    // A path rule for exactly our host is a sub-route the user chose (it stays above ours); a
    // wildcard with a path takes the gateway's requests on that path.
    if (view.unknown || view.hostname === null || view.hostname.toLowerCase() === host.toLowerCase()) return null;
    const match = hostMatch(view.hostname, host);
    if (match === 'no') return null;
    const older = match === 'older' ? ' in older cloudflared releases' : '';
    return { ...view, unknown: !(all && !older), why: `matches ${host}${older} and its ${pathShown} may match the gateway's requests` };
  }
  if (view.unknown) return view;
  if (view.hostname === null) return null;
  const match = hostMatch(view.hostname, host);
  if (match === 'yes') return view;
  if (match === 'older') {
    const suffix = view.hostname.slice(2);
    return { ...view, unknown: true, why: `catches ${host} in older cloudflared releases, which match "${view.hostname}" as any name ending in "${suffix}" (no dot)` };
  }
  return null;
}
