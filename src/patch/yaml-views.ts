// A cloudflared YAML rule as the matcher sees it (match.ts RuleView), shared by the YAML planner and
// doctor so both judge shadowing the same way. YAML hostnames are literals, except a `${VAR}` left for
// Flux postBuild substitution or envsubst: unproven, it may catch our host (review 2, finding 2).
import { hasTemplate, templateMayMatch } from './cloudflared-match.js';
import type { RuleView } from './match.js';

export function yamlView<T>(rule: T, js: Record<string, unknown>, host: string): RuleView<T> {
  const hostname = typeof js.hostname === 'string' ? js.hostname : null;
  const path = typeof js.path === 'string' ? js.path : null;
  const templated = hostname !== null && hasTemplate(hostname);
  const view: RuleView<T> = {
    rule,
    hostname,
    unknown: templated && templateMayMatch(hostname, host),
    hasPath: js.path !== undefined,
    shown: hostname ?? '',
    hostless: hostname === null || hostname === '',
    path,
  };
  if (view.unknown) {
    view.why = `has a hostname with an unresolved \${…} (filled in at deploy time, e.g. by Flux postBuild substitution), so it may catch ${host}`;
  }
  return view;
}

/** How the rule starts in the file, to say where ours goes: `hostname: x`, or `path: y` for a hostless one. */
export function yamlRuleShown(view: RuleView<unknown>): string {
  return view.hostless ? `path: ${view.path ?? ''}` : `hostname: ${view.hostname ?? view.shown}`;
}
