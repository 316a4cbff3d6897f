// Ready-to-paste text for whatever the patcher cannot or will not change itself.
import { hclString, renderRule, type DesiredRule } from './render.js';
import type { Snippet } from './types.js';

export function ingressSnippets(desired: DesiredRule, version: 'v4' | 'v5' | 'both', where: string): Snippet[] {
  const out: Snippet[] = [];
  if (version !== 'v5') {
    out.push({
      title: 'Ingress rule (Cloudflare provider v4), directly above the catch-all `http_status:404` rule',
      where,
      language: 'hcl',
      text: `${renderRule(desired, '', false)}\n`,
    });
  }
  if (version !== 'v4') {
    out.push({
      title: 'Ingress rule (Cloudflare provider v5), directly above the catch-all element of config.ingress',
      where,
      language: 'hcl',
      text: `${renderRule(desired, '', true)}\n`,
    });
  }
  return out;
}

export function servicesSnippet(label: string, where: string): Snippet {
  return { title: 'DNS: add to the services list', where, language: 'hcl', text: `${hclString(label)},\n` };
}

export function dnsRecordSnippet(label: string, v5: boolean, where: string): Snippet {
  const text = v5
    ? [
        'resource "cloudflare_dns_record" "docker_mcp" {',
        '  zone_id = var.cloudflare_zone_id',
        `  name    = ${hclString(label)} # v5: the full name, e.g. "${label}.example.com"`,
        '  type    = "CNAME"',
        '  content = "${cloudflare_zero_trust_tunnel_cloudflared.tunnel.id}.cfargotunnel.com"',
        '  ttl     = 1',
        '  proxied = true',
        '}',
      ]
    : [
        'resource "cloudflare_record" "docker_mcp" {',
        '  zone_id = var.cloudflare_zone_id',
        `  name    = ${hclString(label)}`,
        '  type    = "CNAME"',
        '  content = "${cloudflare_tunnel.tunnel.id}.cfargotunnel.com"',
        '  proxied = true',
        '}',
      ];
  return { title: 'DNS record for the hostname (no services list was found)', where, language: 'hcl', text: `${text.join('\n')}\n` };
}

export function moduleSnippet(moduleCallHcl: string, where: string): Snippet {
  return { title: 'The docker-mcp module call, in its own file', where, language: 'hcl', text: moduleCallHcl };
}
