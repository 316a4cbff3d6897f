// The gateway's config file may hold auth_tokens. A YAML mistake on that line must be reported by
// position only: yaml's error message carries a code frame quoting the line, and its warnings
// (process.emitWarning) print the line to stderr.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { resolveGatewayConfig } from '../../src/gateway/config.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('dmcp-config-secret-');
const SECRET = 'sk-live-0123456789abcdefSECRET';

function load(text: string): unknown {
  const path = join(dir, 'docker-mcp.yaml');
  writeFileSync(path, text);
  try {
    return resolveGatewayConfig({ env: {}, configFile: path });
  } catch (error) {
    return error;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('config file errors never quote the file', () => {
  it('a syntax error on the auth_tokens line names the position, not the token', () => {
    const error = load(`port: 8080\nauth_tokens: "laptop:admin:${SECRET}\n  bad: [\n`);
    expect(error).toBeInstanceOf(UsageError);
    const text = `${(error as UsageError).message}\n${JSON.stringify(error)}`;
    expect(text).toMatch(/line \d+, column \d+/);
    expect(text).not.toContain(SECRET);
  });

  it('a YAML warning (unresolved tag) is not printed with the line', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    load(`auth_tokens: !secret laptop:admin:${SECRET}\n`);
    for (const call of warn.mock.calls) expect(JSON.stringify(call)).not.toContain(SECRET);
    expect(warn).not.toHaveBeenCalled();
  });
});
