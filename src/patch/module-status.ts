// The module call's status line (see TUNNEL_STATUS_MARKER): one sentence of state, not of action,
// so a second run renders the same text and stays a no-op.
import { TUNNEL_STATUS_MARKER } from './types.js';

export interface TunnelStatus {
  /** Where the docker-mcp rule is; null when the patcher did not put it there (refused). */
  ruleIn: string | null;
  /** How its DNS record comes about, e.g. `from the services list in main.tf`; null when it does not. */
  dns: string | null;
  /** Why the rule is not there (a refusal), short. */
  refused?: string;
}

export function statusSentence(s: TunnelStatus): string {
  if (!s.ruleIn) return `the docker-mcp ingress rule is NOT in the tunnel config (init refused: ${s.refused ?? 'see its report'}); add it by hand as the report shows.`;
  const dns = s.dns ? `its DNS record comes ${s.dns}.` : 'its DNS record is not created by this repo: add it as the report of init shows.';
  return `the docker-mcp ingress rule is in ${s.ruleIn}; ${dns}`;
}

/** `hcl` with its status line replaced; unchanged when it has none (a hand-written call). */
export function withTunnelStatus(hcl: string, status: TunnelStatus): string {
  const sentence = statusSentence(status).replace(/\s+/g, ' ');
  return hcl.replace(new RegExp(`^${TUNNEL_STATUS_MARKER}.*$`, 'm'), () => wrapComment(`${TUNNEL_STATUS_MARKER}${sentence}`));
}

/** Comment text wrapped at 100 columns, each line a `#` comment. */
function wrapComment(text: string): string {
  const words = text.slice(2).split(' ');
  const lines: string[] = [];
  let line = '#';
  for (const word of words) {
    if (line.length + 1 + word.length > 100 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}
