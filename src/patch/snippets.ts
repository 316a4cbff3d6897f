// Ready-to-paste text for whatever the patcher cannot or will not change itself.
import { hclString, renderRule, type DesiredRule } from './render.js';
import type { Snippet } from './types.js';

/** `placement`: where the rule really goes when that is not just above the catch-all (a rule that shadows it). */
export function ingressSnippets(desired: DesiredRule, version: 'v4' | 'v5' | 'both', where: string, placement?: string): Snippet[] {
  const out: Snippet[] = [];
  if (version !== 'v5') {
    out.push({
      title: `Ingress rule (Cloudflare provider v4), ${placement ?? 'directly above the catch-all `http_status:404` rule'}`,
      where,
      language: 'hcl',
      text: `${renderRule(desired, '', false)}\n`,
    });
  }
  if (version !== 'v4') {
    out.push({
      title: `Ingress rule (Cloudflare provider v5), ${placement ?? 'directly above the catch-all element of config.ingress'}`,
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

export function moduleSnippet(moduleCallHcl: string, where: string): Snippet {
  return { title: 'The docker-mcp module call, in its own file', where, language: 'hcl', text: moduleCallHcl };
}
