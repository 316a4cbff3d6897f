// What the gateway tells the world about its authentication, and whether it may listen at all:
// the auth mode implied by the settings, RFC 9728 protected resource metadata, and the refusal to
// serve a root-equivalent socket on a non-loopback address without authentication.
import { isIP } from 'node:net';
import { UsageError } from '../../shared/errors.js';
import type { GatewayConfig } from '../config.js';
import type { AuthMode } from './authenticator.js';
import { OAUTH_SCOPES, resourceIdentifier } from './oauth.js';

type AuthSettings = Pick<
  GatewayConfig,
  'auth_mode' | 'auth_tokens' | 'auth_tokens_file' | 'cf_access_team' | 'cf_access_aud'
> & Partial<Pick<GatewayConfig, 'oauth_authorization_servers'>>;

/**
 * The explicit `auth_mode`, or the one implied by which credentials are configured. OAuth access
 * tokens arrive as `Authorization: Bearer`, so an authorization server implies the bearer path.
 */
export function resolveAuthMode(config: AuthSettings): AuthMode {
  if (config.auth_mode) return config.auth_mode;
  const bearer = Boolean(config.auth_tokens?.length || config.auth_tokens_file || config.oauth_authorization_servers?.length);
  const access = Boolean(config.cf_access_team);
  if (bearer && access) return 'both';
  if (bearer) return 'bearer';
  if (access) return 'cloudflare-access';
  return 'none';
}

/** 127.0.0.0/8, ::1 and localhost; wildcard addresses (0.0.0.0, ::) are not loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped ? mapped[1]!.startsWith('127.') : false;
}

type BindingSettings = AuthSettings & Pick<GatewayConfig, 'host' | 'allow_unauthenticated'>;

/** Throws a UsageError (exit 2) when a non-loopback bind would serve the socket unauthenticated. */
export function assertSafeBinding(config: BindingSettings): void {
  if (resolveAuthMode(config) !== 'none' || isLoopbackHost(config.host) || config.allow_unauthenticated) return;
  throw new UsageError(
    `Refusing to serve the Docker socket on ${config.host} without authentication: anyone who can reach it would be root on this host.`,
    [
      'configure bearer tokens (auth_tokens / auth_tokens_file), an OAuth authorization server (oauth_authorization_servers + public_url) or Cloudflare Access (cf_access_team + cf_access_aud)',
      'or bind to 127.0.0.1 (--host 127.0.0.1)',
      'or, if something in front of the gateway authenticates every request, pass --allow-unauthenticated',
    ],
  );
}

/** The warning to log on every start while serving unauthenticated off loopback; else undefined. */
export function unauthenticatedWarning(config: BindingSettings): string | undefined {
  if (resolveAuthMode(config) !== 'none' || isLoopbackHost(config.host)) return undefined;
  return (
    `SECURITY WARNING: serving the Docker socket on ${config.host} WITHOUT authentication ` +
    '(allow_unauthenticated is set). Anyone who can reach this port controls the host as root. ' +
    'Configure auth_tokens or Cloudflare Access.'
  );
}

type MetadataSettings = Pick<GatewayConfig, 'public_url' | 'oauth_authorization_servers'>;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Path where the metadata is served. RFC 9728 inserts the well-known segment between the origin
 * and the resource's path, so `https://h/mcp` is described at `/.well-known/oauth-protected-resource/mcp`.
 */
export function protectedResourceMetadataPath(config: MetadataSettings): string {
  const path = config.public_url ? trimSlash(new URL(config.public_url).pathname) : '';
  return `/.well-known/oauth-protected-resource${path}`;
}

/** Absolute URL of the metadata document for `WWW-Authenticate`, when there is a public URL. */
export function resourceMetadataUrl(config: MetadataSettings): string | undefined {
  if (!config.public_url || !config.oauth_authorization_servers?.length) return undefined;
  return `${new URL(config.public_url).origin}${protectedResourceMetadataPath(config)}`;
}

export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: ['header'];
  scopes_supported: string[];
  resource_name: string;
  resource_documentation?: string;
}

/** The RFC 9728 document, or undefined when no authorization server is configured. */
export function protectedResourceMetadata(config: MetadataSettings): ProtectedResourceMetadata | undefined {
  if (!config.oauth_authorization_servers?.length) return undefined;
  if (!config.public_url) return undefined;
  return {
    resource: resourceIdentifier(config.public_url),
    // Issuer identifiers exactly as configured: clients compare them with the AS metadata's
    // `issuer` (RFC 8414 §3.3) and we compare them with `iss`, so a trimmed slash would break both.
    authorization_servers: [...config.oauth_authorization_servers],
    // Header only: RFC 6750 form and query methods are deliberately unsupported.
    bearer_methods_supported: ['header'],
    scopes_supported: Object.values(OAUTH_SCOPES),
    resource_name: 'docker-mcp',
  };
}
