// NOTES.md's tokens step tells how to rotate the Secret in place: the gateway reloads
// auth_tokens_file on change (src/gateway/auth/token-reload.ts), so no restart is needed.
import { describe, expect, it } from 'vitest';
import { renderPlan } from '../../src/templates/index.js';
import { VERSION, configFrom, table } from './installer-helpers.js';

const notes = (data: Record<string, unknown>): string =>
  renderPlan(configFrom(data), table, { format: 'both', singleFile: false, version: VERSION }).files.find((f) => f.path === 'NOTES.md')!.contents;
const tokensStep = (text: string): string => text.split(/\n(?=\d+\. )/).find((step) => /^\d+\. Create the tokens Secret/.test(step)) ?? '';

describe('NOTES.md tokens step', () => {
  it('shows the in-place update of the same Secret and says a restart is not needed', () => {
    const step = tokensStep(notes({ namespace: 'tools' }));
    expect(step).toContain('kubectl -n tools create secret generic homelab-docker-mcp-gateway-tokens --from-file=tokens=./tokens.yaml --dry-run=client -o yaml | kubectl apply -f -');
    expect(step).toMatch(/without a restart within the kubelet sync period \(up to about a minute\) plus auth_tokens_reload_seconds/);
  });
});
