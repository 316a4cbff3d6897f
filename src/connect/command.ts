// The implementation behind `docker-mcp connect` (lazily imported by src/cli/commands/connect.ts).
// Resolves when stdin ends or on SIGINT/SIGTERM, after closing the remote session.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { UsageError } from '../shared/errors.js';
import { Bridge, type Logger } from './bridge.js';
import { preflight } from './preflight.js';
import { createRemoteTransport, redactUrl, resolveTarget } from './remote.js';

/** The options src/cli/commands/connect.ts declares, as commander hands them over. */
export interface ConnectFlags {
  transport?: 'http' | 'ws';
  token?: string;
  cfAccessClientId?: string;
  cfAccessClientSecret?: string;
  queueTimeout?: string;
  allowInsecure?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

export function credentialHeaders(flags: ConnectFlags): Record<string, string> {
  const problems: string[] = [];
  const headers: Record<string, string> = {};
  if (flags.token) headers.Authorization = `Bearer ${flags.token}`;
  if (!!flags.cfAccessClientId !== !!flags.cfAccessClientSecret) {
    problems.push('--cf-access-client-id and --cf-access-client-secret go together (a Cloudflare Access service token has both)');
  } else if (flags.cfAccessClientId && flags.cfAccessClientSecret) {
    headers['CF-Access-Client-Id'] = flags.cfAccessClientId;
    headers['CF-Access-Client-Secret'] = flags.cfAccessClientSecret;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(value)) problems.push(`${name} contains a line break`);
  }
  if (problems.length) throw new UsageError('Invalid credentials for docker-mcp connect:', problems);
  return headers;
}

export async function runConnect(url: string, flags: ConnectFlags): Promise<void> {
  const headers = credentialHeaders(flags);
  let target;
  try {
    target = resolveTarget(url, flags.transport, headers, flags.allowInsecure === true);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const queueSeconds = Number(flags.queueTimeout ?? '30');
  if (!Number.isFinite(queueSeconds) || queueSeconds <= 0) throw new UsageError('--queue-timeout must be a positive number of seconds');

  const threshold = flags.verbose ? LEVELS.debug : flags.quiet ? LEVELS.error : LEVELS.info;
  // Messages never contain headers; the URL is logged without userinfo or query.
  const log: Logger = (level, message) => {
    if (LEVELS[level] >= threshold) process.stderr.write(`docker-mcp connect: ${level}: ${message}\n`);
  };
  // Exit 1 with the cause when the gateway is not usable as given, before the client is told anything.
  await preflight(target);
  const bridge = new Bridge({
    local: new StdioServerTransport(),
    connectRemote: (onStreamEnd) => createRemoteTransport(target, onStreamEnd),
    log,
    queueTimeoutMs: queueSeconds * 1000,
  });
  const credentials = [headers.Authorization && 'bearer token', headers['CF-Access-Client-Id'] && 'Cloudflare Access service token'].filter(Boolean);
  log('info', `bridging stdio to ${redactUrl(target.url)} over ${target.kind === 'ws' ? 'WebSocket' : 'Streamable HTTP'}` +
    (credentials.length ? ` with a ${credentials.join(' and a ')}` : ' without credentials'));
  await bridge.start();
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.stdin.once('end', stop);
    process.stdin.once('close', stop);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await bridge.close();
}
