// The "did you mean" of an unknown tool name (src/gateway/tools/hidden-tools.ts) draws only from
// the tools the caller can see: the same typo suggests a tool when it is visible and nothing when
// it is hidden, so a suggestion never points at a refusal or shows what a deployment hides.
import type Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { expandScope } from '../../src/gateway/auth/scopes.js';
import { createOperationPolicy, type Preset } from '../../src/gateway/policy/policy.js';
import type { Identity, Scope } from '../../src/gateway/security.js';
import { allTools } from '../../src/gateway/tools/index.js';
import { hiddenToolError, suggestTool, unknownToolError } from '../../src/gateway/tools/hidden-tools.js';

const named = (...names: string[]) => allTools.filter((tool) => names.includes(tool.name));

describe('suggestTool', () => {
  it('suggests the closest visible tool, and never a hidden one', () => {
    expect(suggestTool('image_pul', named('image_pull', 'image_list'))).toBe('image_pull');
    expect(suggestTool('image_pul', named('image_list'))).toBeUndefined();
    expect(suggestTool('Container_Lst', named('container_list', 'container_logs'))).toBe('container_list');
  });

  it('offers nothing for a name far from every visible tool', () => {
    expect(suggestTool('format_disk', allTools)).toBeUndefined();
    expect(unknownToolError('format_disk', allTools).message).toMatch(/Unknown tool: format_disk$/);
  });
});

describe('hiddenToolError', () => {
  // checkCall needs no Docker: only the preset, the tool globs and the identity's scopes.
  const policy = (preset: Preset) => createOperationPolicy({
    preset, toolAllow: [], toolDeny: [], rules: { binds: { rules: [], socketPaths: [] }, allowedCapabilities: new Set() },
    allowExecRoot: false, scope: { selector: [], protectedLabels: [], protectedContainers: [], self: [] }, socketPaths: [],
  }, {} as Dockerode);
  const token = (scope: Scope): Identity => ({ id: `token:${scope}`, kind: 'token', name: scope, scopes: expandScope(scope) });
  const tool = (name: string) => allTools.find((t) => t.name === name)!;

  it('preset AND scope hide it: names both (was only "the admin preset allows it", which would still refuse a read token)', () => {
    const error = hiddenToolError(policy('operator'), token('read'), tool('image_pull'));
    expect(error.message).toBe('Tool image_pull exists but is hidden by the gateway\'s policy preset operator and by your token\'s scope read; '
      + 'it needs both the admin preset (policy_preset: admin) and a token with scope admin.');
    expect(error.data).toEqual({ outcome: 'denied', rule: 'hidden_tool', tool: 'image_pull', hiddenBy: 'preset', allowedBy: 'admin', scopeNeeded: 'admin' });
    expect(hiddenToolError(policy('read-only'), token('read'), tool('container_logs')).message)
      .toContain('needs both the operator preset (policy_preset: operator) and a token with scope operate or higher.');
  });

  it('only the preset: names the preset alone; only the scope: names the scope alone', () => {
    expect(hiddenToolError(policy('operator'), token('admin'), tool('image_pull')).message)
      .toBe('Tool image_pull exists but is hidden by the gateway\'s policy preset operator; the admin preset allows it (policy_preset: admin).');
    const scoped = hiddenToolError(policy('admin'), token('read'), tool('image_pull'));
    expect(scoped.message).toContain('hidden by your token\'s scope read; the admin scope allows it');
    expect(scoped.data).toMatchObject({ hiddenBy: 'scope', allowedBy: 'admin' });
  });
});
