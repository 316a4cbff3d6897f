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

/**
 * Shell that makes a fresh random token, writes only its SHA-256 into the tokens file and prints the
 * token once: no placeholder a user could deploy, and no token in the Secret (nor in a Terraform
 * state that reads the Secret, verify_tokens_secret). `openssl dgst -r` prints `<hex> *stdin` with
 * OpenSSL and LibreSSL alike, so the same lines work on Linux and macOS.
 */
export function tokensFileCommand(name: string, scope: TokenScope, file: string, tokenEnv: string): string {
  const body = stringify(
    { tokens: [{ name, scope, token_sha256: `$(printf %s "$${tokenEnv}" | openssl dgst -sha256 -r | cut -d' ' -f1)` }] },
    { lineWidth: 0 },
  );
  return [
    `export ${tokenEnv}=$(openssl rand -hex 32)`,
    `cat > ${file} <<EOF\n${body}EOF`,
    `echo "Token for the clients (shown once; the file keeps only its digest): $${tokenEnv}"`,
  ].join('\n');
}
