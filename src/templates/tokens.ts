// The tokens file the Secret must hold, in exactly the format the gateway's auth_tokens_file
// loader reads (src/gateway/auth/tokens.ts: `tokens: [{ name, scope, token | token_sha256 }]`).
// NOTES.md shows it and the seam test writes it, so the two cannot drift apart.
import { stringify } from 'yaml';
import type { InstallConfig } from '../config/schema.js';

export type TokenScope = 'read' | 'operate' | 'admin';

export interface TokenFileEntry {
  name: string;
  scope: TokenScope;
  token: string;
}

/** The token scope that matches a policy preset (the preset caps every scope anyway). */
export function scopeForPreset(preset: InstallConfig['policy_preset']): TokenScope {
  return preset === 'read-only' ? 'read' : preset === 'operator' ? 'operate' : 'admin';
}

export function tokensFileYaml(entries: readonly TokenFileEntry[]): string {
  return stringify({ tokens: entries.map((e) => ({ name: e.name, scope: e.scope, token: e.token })) }, { lineWidth: 0 });
}

/** Shell that writes a tokens file with a fresh random token: no placeholder a user could deploy. */
export function tokensFileCommand(name: string, scope: TokenScope, file: string): string {
  const body = tokensFileYaml([{ name, scope, token: '$(openssl rand -hex 32)' }]);
  return `cat > ${file} <<EOF\n${body}EOF`;
}
