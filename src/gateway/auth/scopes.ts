// Scopes are hierarchical: admin implies operate implies read. Credentials name one scope; the
// identity carries the expanded set so `scopes.has(tool.access)` is the only check anyone needs.
import type { Scope } from '../security.js';

export const scopeOrder: readonly Scope[] = ['read', 'operate', 'admin'];

export function isScope(value: string): value is Scope {
  return (scopeOrder as readonly string[]).includes(value);
}

export function expandScope(scope: Scope): ReadonlySet<Scope> {
  return new Set(scopeOrder.slice(0, scopeOrder.indexOf(scope) + 1));
}

/**
 * Splits `subject[:scope]` (emails, domains, service token ids). Only a trailing known scope is
 * split off, so values that contain colons for other reasons stay whole.
 */
export function splitScoped(entry: string, fallback: Scope): { value: string; scope: Scope } {
  const at = entry.lastIndexOf(':');
  if (at > 0) {
    const suffix = entry.slice(at + 1).trim().toLowerCase();
    if (isScope(suffix)) return { value: entry.slice(0, at).trim(), scope: suffix };
  }
  return { value: entry.trim(), scope: fallback };
}
