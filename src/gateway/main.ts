// Entry for `docker-mcp serve` (filled in by the gateway core work).
import { resolveGatewayConfig } from './config.js';

export async function runServe(flags: Record<string, unknown>): Promise<void> {
  resolveGatewayConfig({ flags });
  await Promise.reject(new Error('serve: not implemented yet'));
}
