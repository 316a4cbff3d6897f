// docs/security.md, "Secrets leaking into logs" and "Secrets read back through tools": the token
// shapes the doc lists are recognised anywhere in text and data (realistic lengths, in neutral
// context so no secret *name* helps), and the core logger built by createLogger really runs the
// redaction over every line's fields, errors included.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactData, redactText } from '../../src/gateway/audit/redact.js';
import { createLogger } from '../../src/gateway/observability/log.js';

const alnum = (n: number, seed = 7): string => {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < n; i++) out += chars[(i * 31 + seed * 17 + (i >> 2)) % chars.length];
  return out;
};

// Shapes as the issuers print them (lengths from their documentation and real samples).
const TOKENS: Array<[string, string]> = [
  ['GitLab personal access token', `glpat-${alnum(20)}`],
  ['Slack bot token', `xoxb-123456789012-1234567890123-${alnum(24)}`],
  ['OpenAI key', `sk-${alnum(48)}`],
  ['OpenAI project key', `sk-proj-${alnum(40)}_${alnum(20, 3)}`],
  ['Stripe live secret key', `sk_live_${alnum(24)}`],
  ['Docker Hub access token', `dckr_pat_${alnum(27)}`],
  ['npm token', `npm_${alnum(36)}`],
  ['Hugging Face token', `hf_${alnum(34)}`],
  ['Google API key', `AIza${alnum(35)}`],
  ['GitHub fine-grained token', `github_pat_11${alnum(20)}_${alnum(59, 5)}`],
];

describe('token shapes named in docs/security.md', () => {
  it.each(TOKENS)('%s is redacted in free text', (_name, token) => {
    const text = `deploy step 3 used ${token} while pulling`;
    const out = redactText(text);
    expect(out).not.toContain(token);
    expect(out).toBe(`deploy step 3 used ${REDACTED} while pulling`);
  });

  it.each(TOKENS)('%s is redacted in data under a key that is not secret, and inside an argv', (_name, token) => {
    const out = redactData({ note: `copied ${token}`, cmd: ['curl', '-H', `X-Custom: ${token}`, 'https://example.invalid/'] });
    expect(JSON.stringify(out)).not.toContain(token);
    expect(out.note).toBe(`copied ${REDACTED}`);
    expect(out.cmd.slice(0, 2)).toEqual(['curl', '-H']);
  });

  it('prefixes without a token\'s length stay (no over-redaction of words such as sk-learn or npm_config)', () => {
    const text = 'pip install sk-learn; npm_config_cache=/tmp hf_hub AIza xoxb- glpat-short';
    expect(redactText(text)).toBe(text);
  });
});

describe('core log lines (createLogger with the redaction wired in)', () => {
  function memoryLogger(): { log: ReturnType<typeof createLogger>; lines: string[] } {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    return { log, lines };
  }

  it('an error echoing a command line and a TUNNEL_TOKEN=… field lose their secrets; the rest stays', () => {
    const { log, lines } = memoryLogger();
    const tunnel = `eyJhIjoi${alnum(40)}`;
    log.warn({ err: new Error('x --password=s1cret failed'), env: `TUNNEL_TOKEN=${tunnel}`, TUNNEL_TOKEN: 'plain-s3cret-value', container: 'web' }, 'docker said no');
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    for (const secret of ['s1cret', tunnel, 'plain-s3cret-value']) expect(line).not.toContain(secret);
    const parsed = JSON.parse(line) as { err: { message: string; stack: string }; env: string; container: string; msg: string };
    // Errors keep their message and stack, redacted (the doc's claim), and ordinary fields stay.
    expect(parsed.err.message).toBe(`x --password=${REDACTED} failed`);
    expect(parsed.err.stack).toContain(`x --password=${REDACTED} failed`);
    expect(parsed.env).toBe(`TUNNEL_TOKEN=${REDACTED}`);
    expect(parsed).toMatchObject({ container: 'web', msg: 'docker said no' });
  });

  it('headers on the pino redact paths are censored', () => {
    const { log, lines } = memoryLogger();
    log.info({ req: { headers: { authorization: 'Bearer abc.def.ghi-s3cret', 'x-registry-auth': 'eyJ1c2VybmFtZSI6ImEifQ' } } }, 'request');
    expect(lines[0]).not.toContain('s3cret');
    expect(lines[0]).not.toContain('eyJ1c2VybmFtZSI6ImEifQ');
  });
});
