// Turns a soak result into the generated block of docs/reliability.md and a plot: an SVG drawn
// here (no plotting library, no network) converted to PNG with rsvg-convert (Debian librsvg2-bin)
// when it is installed; the SVG is kept either way.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { BOUNDS, type Sample, type SoakResult } from './runner.js';

const W = 900;
const PANEL_H = 220;
const PAD = { left: 60, right: 20, top: 30, bottom: 30 };

interface Series {
  label: string;
  color: string;
  values: number[];
}

function panel(y0: number, title: string, unit: string, times: number[], series: Series[]): string {
  const all = series.flatMap((s) => s.values);
  const max = Math.max(1, ...all) * 1.1;
  const tMax = Math.max(1, ...times);
  const x = (t: number): number => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (v: number): number => y0 + PAD.top + (1 - v / max) * (PANEL_H - PAD.top - PAD.bottom);
  const parts = [
    `<text x="${PAD.left}" y="${y0 + 18}" font-size="14" font-weight="bold">${title}</text>`,
    `<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#999"/>`,
    `<line x1="${PAD.left}" y1="${y(max)}" x2="${PAD.left}" y2="${y(0)}" stroke="#999"/>`,
  ];
  for (const frac of [0, 0.5, 1]) {
    const v = (max / 1.1) * frac;
    parts.push(`<text x="${PAD.left - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)}</text>`);
  }
  for (let t = 0; t <= tMax; t += tMax > 120 ? 60 : 10) {
    parts.push(`<text x="${x(t)}" y="${y(0) + 16}" font-size="11" text-anchor="middle">${t}s</text>`);
  }
  series.forEach((s, i) => {
    const points = s.values.map((v, j) => `${x(times[j] ?? 0).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="1.8" points="${points}"/>`);
    parts.push(`<text x="${W - PAD.right - 10}" y="${y0 + 18 + i * 14}" font-size="12" fill="${s.color}" text-anchor="end">${s.label} (${unit})</text>`);
  });
  return parts.join('\n');
}

export function soakSvg(samples: Sample[]): string {
  const t = samples.map((s) => s.t);
  const rate = samples.map((s, i) => (i === 0 ? 0 : Math.max(0, (s.calls - (samples[i - 1] as Sample).calls) / Math.max(0.001, s.t - (samples[i - 1] as Sample).t))));
  const body = [
    panel(0, 'Gateway RSS', 'MB', t, [{ label: 'RSS', color: '#1f77b4', values: samples.map((s) => s.rssMb) }]),
    panel(PANEL_H, 'Open file descriptors and handles', 'count', t, [
      { label: 'fds', color: '#d62728', values: samples.map((s) => s.fds) },
      { label: 'active handles', color: '#2ca02c', values: samples.map((s) => s.handles) },
      { label: 'daemon sockets', color: '#9467bd', values: samples.map((s) => s.dockerSockets) },
    ]),
    panel(PANEL_H * 2, 'Throughput', 'calls/s', t, [{ label: 'tool calls', color: '#ff7f0e', values: rate }]),
  ].join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${PANEL_H * 3}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

/** Writes the SVG and, when rsvg-convert exists, the PNG; returns the file to link. */
export function writePlot(samples: Sample[], svgPath: string, pngPath: string): string {
  writeFileSync(svgPath, soakSvg(samples));
  try {
    execFileSync('rsvg-convert', ['-f', 'png', '-o', pngPath, svgPath], { stdio: 'pipe' });
    return pngPath;
  } catch {
    return svgPath;
  }
}

const pick = (samples: Sample[], at: number): Sample => samples.reduce((best, s) => (Math.abs(s.t - at) < Math.abs(best.t - at) ? s : best));

export function markdownBlock(result: SoakResult, plotFile: string, command: string): string {
  const { options: o, totals, samples, baseline, final } = result;
  const minutes = o.durationMs / 60_000;
  const peak = samples.reduce((a, s) => (s.rssMb > a.rssMb ? s : a));
  const row = (label: string, s: Sample): string =>
    `| ${label} | ${s.t.toFixed(0)} s | ${s.rssMb.toFixed(1)} | ${s.fds} | ${s.handles} | ${s.dockerSockets} | ${s.inFlight} |`;
  const byTool = Object.entries(totals.byTool).sort().map(([tool, n]) => `${tool} ${n}`).join(', ');
  return [
    `Run: \`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${minutes.toFixed(1)} minutes of load, ` +
      `${o.httpClients} Streamable HTTP clients (SDK) and ${o.wsClients} WebSocket clients, against \`docker-mcp serve\` ` +
      `(one process) on a private dockerd; 2 shared CPU cores.`,
    '',
    `- Tool calls: **${totals.calls}** (${(totals.calls / (o.durationMs / 1000)).toFixed(1)}/s): ${byTool}.`,
    `- Injected faults: **${totals.injected}** connections dropped in the middle of a 30 s log follow (HTTP: POST stream aborted; WebSocket: socket terminated), plus ${totals.reconnects} orderly session renewals.`,
    `- Errors other than the injected ones: **${totals.errors}**.`,
    `- After the load: ${final.inFlight} calls in flight, ${final.dockerSockets} sockets open to the daemon; SIGTERM exit code ${result.exitCode}.`,
    '',
    '| sample | time | RSS (MB) | fds | handles | daemon sockets | calls in flight |',
    '|---|---|---|---|---|---|---|',
    row('idle before the load (baseline)', baseline),
    row('end of warm-up', pick(samples, o.durationMs / 5000)),
    row('middle', pick(samples, o.durationMs / 2000)),
    row('peak RSS', peak),
    row('end of load', pick(samples, o.durationMs / 1000)),
    row('after the load, quiet', final),
    '',
    `Bounds (checked by the soak and by \`test/integration/reliability-soak.test.ts\`): median RSS of the last 20 % of the load ` +
      `at most ${BOUNDS.rssGrowthMb} MB above the median just after warm-up (measured: ${result.rssWarmMedianMb.toFixed(1)} -> ` +
      `${result.rssLateMedianMb.toFixed(1)} MB); fds and handles once quiet at most +${BOUNDS.fdGrowth}/+${BOUNDS.handleGrowth} over ` +
      `the idle baseline before the load (measured: ${baseline.fds} -> ${final.fds} fds, ${baseline.handles} -> ${final.handles} handles); ` +
      'no calls in flight and no daemon sockets left. ' +
      (result.failures.length ? `**FAILED:** ${result.failures.join('; ')}` : '**All bounds held.**'),
    '',
    `![RSS, fds, handles and throughput during the soak](${plotFile.replace(/^docs\//, '')})`,
  ].join('\n');
}

/** Replaces the block between the soak markers in docs/reliability.md. */
export function updateDoc(docPath: string, block: string): void {
  const doc = readFileSync(docPath, 'utf8');
  const begin = '<!-- soak:begin -->';
  const end = '<!-- soak:end -->';
  const from = doc.indexOf(begin);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${docPath} has no ${begin} … ${end} block`);
  writeFileSync(docPath, `${doc.slice(0, from + begin.length)}\n${block}\n${doc.slice(to)}`);
}
