// Step 1, lookup: the tool by name, as this caller may see it. Not a result but a JSON-RPC error
// (the tools/call request itself is wrong): a tool that exists but is hidden says so and what would
// allow it (hidden-tools.ts), and is on record; only a name that is no tool is "Unknown tool".
import { recordRefusal } from '../../audit/refusals.js';
import type { Identity } from '../../security.js';
import type { ToolDefinition } from '../define.js';
import { hiddenToolError, unknownToolError } from '../hidden-tools.js';
import type { CallOutput, RegistryDeps } from '../registry-types.js';
import type { CallRequest, Next } from './types.js';

export type LookupDeps = Pick<RegistryDeps, 'tools' | 'policy' | 'audit' | 'admission'> & {
  /** The tools this identity may see (the registry caches it per identity). */
  visible: (identity: Identity) => ToolDefinition[];
};

export function lookupStep(deps: LookupDeps): (request: CallRequest, next: Next) => Promise<CallOutput> {
  // A Map: `__proto__` or `constructor` is no tool.
  const byName = new Map(deps.tools.map((tool) => [tool.name, tool]));
  if (byName.size !== deps.tools.length) throw new Error('duplicate tool names in the tool list');

  // Not async (each async frame that returns a promise costs microtask ticks on every call), so a
  // refusal is returned as a rejected promise, never thrown synchronously out of registry.call.
  return (request, next) => {
    const { name, args, origin } = request;
    const tool = byName.get(name);
    const seen = deps.visible(origin.identity);
    if (tool && seen.includes(tool)) {
      return next({ name, args, origin, tool, input: undefined, decision: undefined, signal: undefined, denial: undefined });
    }
    if (!tool) return Promise.reject(unknownToolError(name, seen));
    const error = hiddenToolError(deps.policy, origin.identity, tool);
    // A call to a hidden tool costs a rate-limit token like any refused call and leaves a denied
    // line (audit/refusals.ts), as the HTTP 403 path does (body-guard.ts): a token probing tools
    // above its scope is on record. Names that are no tool are not recorded.
    recordRefusal(deps.audit, deps.admission, {
      identity: origin.identity, transport: origin.transport, tool: name, args, requestId: origin.requestId,
      rule: 'hidden_tool', reason: error.reason,
    });
    return Promise.reject(error);
  };
}
