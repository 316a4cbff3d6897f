// A chart of the repo's own whose template renders the values' ingress list and then appends the
// catch-all itself (review 3, finding 11): reviewer repo g1 has charts/cloudflared/templates/configmap.yaml
//     ingress:
//       {{- toYaml .Values.ingress | nindent 6 }}
//       - service: http_status:404
// Its values.yaml `ingress:` list then has no catch-all, like the official cloudflare-tunnel chart's
// values: the rule goes at the end of the list, and telling the user to add a catch-all would give
// cloudflared two (the chart's last, so it refuses to start). Read from the repo, never assumed: the
// chart directory is the values file's own (Chart.yaml next to it) and the template must say so.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A rule without hostname as a template line: `- service: http_status:404` (a Go template is not YAML until rendered). */
const HOSTLESS_RULE = /^\s*-\s+service:\s*\S/;

/** `templates/configmap.yaml` when the chart next to `valuesPath` renders `.Values.<key>` and then a hostless rule; else null. */
export function chartAppendsCatchAll(valuesPath: string, key: string): string | null {
  if (!/^values[\w.-]*\.ya?ml$/.test(basename(valuesPath))) return null;
  const chart = dirname(valuesPath);
  const templates = join(chart, 'templates');
  if (!existsSync(join(chart, 'Chart.yaml')) || !existsSync(templates) || !statSync(templates).isDirectory()) return null;
  const ref = new RegExp(`\\.Values\\.${key}\\b(?!\\.)`);
  for (const name of readdirSync(templates).filter((n) => /\.(ya?ml|tpl)$/.test(n)).sort()) {
    const lines = readFileSync(join(templates, name), 'utf8').split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      if (!ref.test(lines[i]!) || !/toYaml/.test(lines[i]!)) continue;
      const next = lines.slice(i + 1).find((l) => l.trim() !== '');
      if (next !== undefined && HOSTLESS_RULE.test(next)) return `templates/${name}`;
    }
  }
  return null;
}
