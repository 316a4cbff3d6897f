// What a caller hears when it calls a tool it cannot see (issue 16, item 8). Hidden tools stay out
// of tools/list, but a call to one used to answer exactly like a typo ("Unknown tool", 404 on
// /mcp/call), so a user could not tell a misspelling from the policy. The tool catalogue and the
// preset/scope each tool needs are documented (README, docs/security.md), so naming the tool, what
// hides it (the preset, or the token's scope) and the lowest preset or scope that allows it tells a
// caller nothing the docs do not; the answer never carries the arguments, a policy file's patterns
// or anything from Docker.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Identity, OperationPolicy, Scope } from '../security.js';
import type { ToolDefinition } from './define.js';

/**
 * The JSON-RPC code of a hidden-tool refusal: -32000, the code the gateway already gives every
 * refusal that is not about the request's shape (the 403 insufficient_scope of /mcp and /mcp/call,
 * forbidden origins, limits). InvalidParams stays reserved for "this is not a tool".
 */
export const HIDDEN_TOOL_CODE = -32000;

/** The lowest preset whose access includes each scope (policy.ts presetAccess). */
export const lowestPreset: Record<Scope, string> = { read: 'read-only', operate: 'operator', admin: 'admin' };
const scopeOrder: readonly Scope[] = ['read', 'operate', 'admin'];

export interface HiddenToolData {
  outcome: 'denied';
  rule: 'hidden_tool';
  tool: string;
  /** What hides it: the policy preset, the caller's token scope, or the policy file's tool rules. */
  hiddenBy: 'preset' | 'scope' | 'policy';
  /** The lowest preset (hiddenBy preset) or scope (hiddenBy scope) that allows it. */
  allowedBy?: string;
  /** hiddenBy preset, when the caller's token lacks the tool's scope as well: that scope is needed too. */
  scopeNeeded?: string;
}

/** A call to a tool that exists but is hidden from the caller. */
export class HiddenToolError extends McpError {
  constructor(
    readonly reason: string,
    override readonly data: HiddenToolData,
  ) {
    super(HIDDEN_TOOL_CODE, reason, data);
    // McpError prefixes "MCP error <code>: "; the SDK client adds that prefix itself on receipt,
    // so the wire message is the plain sentence (else clients show the prefix twice).
    this.message = reason;
  }
}

/** A call to a name that is not a tool at all, with the closest visible tool name if any. */
export class UnknownToolError extends McpError {
  constructor(readonly suggestion: string | undefined, name: string) {
    const reason = `Unknown tool: ${name}${suggestion ? ` (did you mean ${suggestion}?)` : ''}`;
    super(ErrorCode.InvalidParams, reason);
    this.message = reason;
  }
}

function highestScope(identity: Identity): Scope | undefined {
  return [...scopeOrder].reverse().find((scope) => identity.scopes.has(scope));
}

/** Why `tool` is hidden from `identity`, in words that name only the tool, a preset and a scope. */
export function hiddenToolError(policy: OperationPolicy, identity: Identity, tool: ToolDefinition): HiddenToolError {
  const decision = policy.checkCall(identity, tool);
  const base = { outcome: 'denied', rule: 'hidden_tool', tool: tool.name } as const;
  if (decision.rule === 'preset' && policy.preset) {
    const needed = lowestPreset[tool.access];
    // The preset is checked first, so a token lacking the scope too would still be refused once the
    // preset allowed the tool: say both, or the caller asks for a preset change that does not help.
    if (!identity.scopes.has(tool.access)) {
      return new HiddenToolError(
        `Tool ${tool.name} exists but is hidden by the gateway's policy preset ${policy.preset} and by your token's scope ${highestScope(identity) ?? '(none)'}; ` +
          `it needs both the ${needed} preset (policy_preset: ${needed}) and a token with scope ${tool.access}${tool.access === 'admin' ? '' : ' or higher'}.`,
        { ...base, hiddenBy: 'preset', allowedBy: needed, scopeNeeded: tool.access },
      );
    }
    return new HiddenToolError(
      `Tool ${tool.name} exists but is hidden by the gateway's policy preset ${policy.preset}; the ${needed} preset allows it (policy_preset: ${needed}).`,
      { ...base, hiddenBy: 'preset', allowedBy: needed },
    );
  }
  if (decision.rule === 'insufficient_scope') {
    const has = highestScope(identity);
    return new HiddenToolError(
      `Tool ${tool.name} exists but is hidden by your token's scope ${has ?? '(none)'}; the ${tool.access} scope allows it (a token with scope ${tool.access}${tool.access === 'admin' ? '' : ' or higher'}).`,
      { ...base, hiddenBy: 'scope', allowedBy: tool.access },
    );
  }
  // tools.allow / tools.deny of a policy file (or a custom policy): which pattern hid it is the
  // deployment's business, and no preset or scope change would show it.
  return new HiddenToolError(
    `Tool ${tool.name} exists but is hidden by this gateway's policy; no preset or token scope changes that here. Ask the gateway's operator.`,
    { ...base, hiddenBy: 'policy' },
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * "Did you mean" for a name that is no tool, chosen ONLY among the tools the caller can see.
 * Suggesting a hidden tool would send the caller into a refusal, and the set of suggestions would
 * show which documented tools this deployment hides (tools.deny patterns of its policy file are
 * not documented anywhere), which is more than the docs tell.
 */
export function suggestTool(name: string, visible: readonly ToolDefinition[]): string | undefined {
  const wanted = name.toLowerCase();
  // Names are short (< 30 chars) and the catalogue ~60 tools: a full scan costs microseconds.
  let best: { name: string; distance: number } | undefined;
  for (const tool of visible) {
    const distance = editDistance(wanted, tool.name);
    if (!best || distance < best.distance) best = { name: tool.name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(wanted.length / 4)) ? best.name : undefined;
}

export function unknownToolError(name: string, visible: readonly ToolDefinition[]): UnknownToolError {
  return new UnknownToolError(suggestTool(name, visible), name);
}
