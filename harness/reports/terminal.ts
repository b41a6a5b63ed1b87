// The end-of-run summary on the terminal: alerts per type, latency and throughput, and the table of
// expectations with expected and measured values. ANSI colours only when the stream is a TTY.
import type { RunReport } from './model.ts';
import { formatDuration } from '../scenario/units.ts';
import { sampleLine } from './samples.ts';

export interface TerminalOptions {
  colour: boolean;
}

const paint = (on: boolean, code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);

function table(headers: string[], rows: string[][], colourCells?: (row: number, col: number, text: string) => string): string {
  const width = headers.map((h, i) => Math.max(visible(h).length, ...rows.map((r) => visible(r[i] ?? '').length)));
  const line = (cells: string[], map?: (col: number, text: string) => string) =>
    cells.map((c, i) => (map ? map(i, c) : c) + ' '.repeat(width[i]! - visible(c).length)).join('  ').trimEnd();
  return [
    line(headers),
    width.map((w) => '─'.repeat(w)).join('  '),
    ...rows.map((r, ri) => line(r, colourCells ? (ci, t) => colourCells(ri, ci, t) : undefined)),
  ].join('\n');
}

// Width without escape codes; long cells are cut so the table stays readable.
function visible(s: string): string {
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

export function terminalReport(r: RunReport, opts: TerminalOptions): string {
  const green = paint(opts.colour, '32');
  const red = paint(opts.colour, '31');
  const bold = paint(opts.colour, '1');
  const dim = paint(opts.colour, '2');
  const out: string[] = [];
  out.push('');
  out.push(bold(`scenario ${r.scenario}`) + dim(`  ${r.file}  seed ${r.seed}  ${r.wallSeconds.toFixed(1)}s wall, ${formatDuration(r.simulated.durationSeconds * 1000)} simulated`));
  if (r.error) out.push(red(`run error: ${r.error}`));
  const alertRows = Object.entries(r.alerts).map(([k, a]) => [k, String(a.generated), String(a.landed), String(a.duplicates), String(a.lost)]);
  if (alertRows.length) {
    out.push('');
    out.push(table(['alerts', 'generated', 'landed', 'duplicates', 'lost'], alertRows, (_ri, ci, t) => (ci === 4 && t !== '0' ? red(t) : t)));
  }
  out.push('');
  const l = r.latency;
  out.push(
    `latency generated→landed (${l.count} alerts): p50 ${formatDuration(l.p50)}  p90 ${formatDuration(l.p90)}  p99 ${formatDuration(l.p99)}  max ${formatDuration(l.max)}`,
  );
  out.push(
    `throughput: ${r.throughput.landedPerSecond.toFixed(1)} rows/s landed (peak ${r.throughput.peakPerSecond.toFixed(1)}/s); mock ingest ${r.throughput.mockIngestRowsPerSecond.toFixed(1)} rows/s`,
  );
  out.push(...analyticsLines(r, red));
  const c = r.connector;
  const res = [`connector ${c.mode}`, `restarts ${c.restarts}`];
  if (c.rssMaxBytes !== undefined) res.push(`max RSS ${(c.rssMaxBytes / 1048576).toFixed(1)} MiB`);
  if (c.cpuSeconds !== undefined) res.push(`CPU ${c.cpuSeconds.toFixed(2)} s`);
  out.push(res.join(', '));
  const statuses = Object.entries(r.requests.byStatus).map(([s, n]) => `${s}×${n}`).join(' ');
  out.push(`mock requests: ${r.requests.total} (${statuses || 'none'}), ${r.requests.injected} injected faults`);
  if (r.faults.length) out.push(`faults: ${r.faults.map((f) => `${formatDuration(f.atMs)} ${f.fault}${f.detail ? ` (${f.detail})` : ''}`).join('; ')}`);
  out.push('');
  out.push(
    table(
      ['', 'expectation', 'expected', 'measured'],
      r.expectations.map((e) => [e.passed ? 'ok' : 'FAIL', cut(e.name, 60), cut(e.expected, 40), cut(e.measured, 60)]),
      (ri, ci, t) => (ci === 0 ? (r.expectations[ri]!.passed ? green(t) : red(t)) : t),
    ),
  );
  const failed = r.expectations.filter((e) => !e.passed);
  for (const e of failed) {
    if (e.message) out.push(red(`  ✗ ${e.name}: ${e.message}`));
    for (const sample of e.samples ?? []) out.push(dim(`      · ${cut(sampleLine(sample), 160)}`));
  }
  out.push('');
  out.push(
    r.passed
      ? green(bold(`PASS ${r.scenario}: ${r.expectations.length} expectations hold`))
      : red(bold(`FAIL ${r.scenario}: ${failed.length} of ${r.expectations.length} expectations failed${r.error ? ' (run error)' : ''}`)),
  );
  return out.join('\n') + '\n';
}

/** Sentinel analytics per rule: alerts, incidents, and the alert latency (simulated: Darktrace alert → Sentinel alert). */
function analyticsLines(r: RunReport, red: (s: string) => string): string[] {
  const rules = r.analytics?.rules ?? [];
  if (!rules.length) return [];
  const d = (ms: number | undefined) => (ms === undefined ? '' : formatDuration(ms));
  const rows = rules.map((u) => [cut(u.name, 50), String(u.alertsRaised), String(u.incidentsCreated), d(u.latency?.p50), d(u.latency?.p90), d(u.latency?.p99), d(u.latency?.max), u.lastError ? cut(u.lastError, 40) : '']);
  return [
    '',
    `Sentinel analytics (${r.analytics!.incidents} incidents); latency Darktrace alert → Sentinel alert, simulated:`,
    table(['rule', 'alerts', 'incidents', 'p50', 'p90', 'p99', 'max', 'last error'], rows, (_ri, ci, t) => (ci === 7 && t ? red(t) : t)),
  ];
}
