// The "did you mean" of an unknown tool name (src/gateway/tools/hidden-tools.ts) draws only from
// the tools the caller can see: the same typo suggests a tool when it is visible and nothing when
// it is hidden, so a suggestion never points at a refusal or shows what a deployment hides.
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/gateway/tools/index.js';
import { suggestTool, unknownToolError } from '../../src/gateway/tools/hidden-tools.js';

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
