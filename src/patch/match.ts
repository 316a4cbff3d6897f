// Which ingress rule cloudflared would pick for a hostname. cloudflared walks the rules in order and
// takes the first whose hostname matches (exact, or `*.<suffix>` for any name under the suffix, or
// `*` for all) and whose `path` (if any) matches; a rule with a path only takes some requests, so it
// never hides a later rule completely.
import { shadowOf } from './shadow.js';

export function hostnameMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h || p === '*') return true;
  return p.startsWith('*.') && h.endsWith(p.slice(1)) && h.length > p.length - 1;
}

export interface RuleView<T> {
  rule: T;
  /** The hostname's proven value; null when the rule has none (catch-all) or it cannot be proven. */
  hostname: string | null;
  /** True when the hostname expression exists but could not be resolved: it might be a wildcard. */
  unknown: boolean;
  hasPath: boolean;
  /** For people: the proven hostname, or the expression as written. */
  shown: string;
  /** No hostname at all (`path` only): cloudflared tries it for every host. */
  hostless?: boolean;
  /** The literal `path` regex, when there is one. */
  path?: string | null;
  /** Set on what firstShadowing returns when the catch is not the plain "proven hostname": why it may catch. */
  why?: string;
}

/**
 * The first rule (before `limit`) that takes, or may take (`unknown`), every request for `host`, so a
 * rule placed after it could never match. Placing our exact-hostname rule above a rule that may
 * only take what it would have taken anyway is always safe.
 */
export function firstShadowing<T>(rules: RuleView<T>[], host: string, limit = rules.length): RuleView<T> | null {
  for (const view of rules.slice(0, limit)) {
    const caught = shadowOf(view, host);
    if (caught) return caught;
  }
  return null;
}
