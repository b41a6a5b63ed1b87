// --html: one self-contained page per run (no script, no CDN): verdict, throughput and latency over
// time as inline SVG charts, the expectations, alerts per type, faults, and the landed schema.
import { writeFileSync } from 'node:fs';
import type { RunReport } from './model.ts';
import { escapeXml as x } from './xml.ts';
import { lineChart, type ChartMarker } from './svg-chart.ts';
import { formatDuration } from '../scenario/units.ts';
import { sampleColumns } from './samples.ts';
import type { ExpectationResult, SeriesPoint } from './model.ts';

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d1d1f;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.verdict{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:700;color:#fff}
.pass{background:#1a7f37}.fail{background:#cf222e}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#ffebe9}.muted{color:#57606a}.charts{display:flex;flex-wrap:wrap;gap:16px}
.chart{border:1px solid #d0d7de;border-radius:6px;background:#fff}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
section.scenario{margin-bottom:48px}
table.samples{margin:6px 0 0;font-size:12px}table.samples th,table.samples td{padding:2px 6px}
`;

/** A failed expectation's samples: one row each, a column per field. */
function samplesTable(e: ExpectationResult): string {
  if (!e.samples?.length) return '';
  const cols = sampleColumns(e.samples);
  const head = cols.map((c) => `<th>${x(c)}</th>`).join('');
  const rows = e.samples.map((s) => `<tr>${cols.map((c) => `<td><code>${x(s[c] === undefined ? '' : String(s[c]))}</code></td>`).join('')}</tr>`).join('');
  return `<table class="samples"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * The charts: the run in the scenario's own clock (simulated seconds, faults marked where they
 * happened), and the drain after it in a panel of its own (wall seconds after the traffic ended: the
 * simulated clock stands still then), so a long drain does not dwarf the run.
 */
function runCharts(r: RunReport, index: number): string[] {
  const run = r.series.filter((p) => p.phase !== 'drain');
  const drain = r.series.filter((p) => p.phase === 'drain');
  const simulated = run.length > 0 && run.every((p) => p.sim !== undefined);
  const xOf = (p: SeriesPoint) => (simulated ? p.sim! : p.t);
  const xLabel = simulated ? 'seconds of simulated time' : 'seconds since start (wall)';
  const markers: ChartMarker[] = simulated ? r.faults.map((f) => ({ x: f.atMs / 1000, label: f.fault, kind: f.fault.endsWith(' ends') ? 'end' : 'start' })) : [];
  const common = { xLabel, markers, ...(simulated ? { xMax: r.simulated.durationSeconds } : {}) };
  const out: string[] = [];
  out.push(lineChart({ id: `throughput-${index}`, title: 'Throughput over time', yLabel: 'rows landed / s', ...common, series: [{ name: 'landed / s', colour: '#0969da', points: run.map((p) => ({ x: xOf(p), y: p.landedPerSecond })) }] }));
  out.push(
    lineChart({
      id: `progress-${index}`,
      title: 'Generated and landed (cumulative)',
      yLabel: 'alerts',
      ...common,
      series: [
        { name: 'generated', colour: '#8250df', points: run.map((p) => ({ x: xOf(p), y: p.generated })) },
        { name: 'landed', colour: '#1a7f37', points: run.map((p) => ({ x: xOf(p), y: p.landed })) },
      ],
    }),
  );
  out.push(
    lineChart({
      id: `latency-${index}`,
      title: 'Latency generated → landed over time',
      yLabel: 'ms',
      ...common,
      series: [
        { name: 'p50', colour: '#0969da', points: run.filter((p) => p.latencyP50 !== undefined).map((p) => ({ x: xOf(p), y: p.latencyP50! })) },
        { name: 'max', colour: '#cf222e', points: run.filter((p) => p.latencyMax !== undefined).map((p) => ({ x: xOf(p), y: p.latencyMax! })) },
      ],
    }),
  );
  if (run.some((p) => p.rssBytes !== undefined)) {
    out.push(lineChart({ id: `rss-${index}`, title: 'Connector resident memory', yLabel: 'MiB', ...common, series: [{ name: 'RSS', colour: '#bc4c00', points: run.filter((p) => p.rssBytes !== undefined).map((p) => ({ x: xOf(p), y: p.rssBytes! / 1048576 })) }] }));
  }
  if (drain.length) {
    const t0 = run.at(-1)?.t ?? drain[0]!.t;
    out.push(
      lineChart({
        id: `drain-${index}`,
        title: 'Drain after the run (the simulated clock stands still)',
        xLabel: 'wall seconds after the traffic ended',
        yLabel: 'alerts',
        series: [
          { name: 'generated', colour: '#8250df', points: drain.map((p) => ({ x: p.t - t0, y: p.generated })) },
          { name: 'landed', colour: '#1a7f37', points: drain.map((p) => ({ x: p.t - t0, y: p.landed })) },
        ],
      }),
    );
  }
  return out;
}

function scenarioSection(r: RunReport, index: number): string {
  const s: string[] = [];
  s.push(`<section class="scenario" id="scenario-${index}">`);
  s.push(`<h1>${x(r.scenario)} <span class="verdict ${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASS' : 'FAIL'}</span></h1>`);
  s.push(`<p class="muted"><code>${x(r.file)}</code> · seed ${r.seed} · started ${x(r.startedAt)} · ${r.wallSeconds.toFixed(1)} s wall · ${x(formatDuration(r.simulated.durationSeconds * 1000))} simulated (${x(r.simulated.start)} → ${x(r.simulated.end)})</p>`);
  if (r.description) s.push(`<p>${x(r.description)}</p>`);
  if (r.error) s.push(`<p class="verdict fail">run error: ${x(r.error)}</p>`);

  s.push('<h2>Expectations</h2>');
  s.push('<table class="expectations"><thead><tr><th></th><th>expectation</th><th>expected</th><th>measured</th><th>message</th></tr></thead><tbody>');
  for (const e of r.expectations) {
    s.push(
      `<tr class="${e.passed ? 'passed' : 'failed'}"><td>${e.passed ? '✔' : '✘'}</td><td>${x(e.name)}</td><td>${x(e.expected)}</td><td>${x(e.measured)}</td><td>${x(e.message ?? '')}${samplesTable(e)}</td></tr>`,
    );
  }
  s.push('</tbody></table>');

  s.push('<h2>Alerts</h2>');
  s.push('<table class="alerts"><thead><tr><th>type / stream</th><th>generated</th><th>landed</th><th>duplicates</th><th>lost</th></tr></thead><tbody>');
  for (const [k, a] of Object.entries(r.alerts)) {
    s.push(`<tr><td>${x(k)}</td><td class="num">${a.generated}</td><td class="num">${a.landed}</td><td class="num">${a.duplicates}</td><td class="num">${a.lost}</td></tr>`);
  }
  s.push('</tbody></table>');

  const l = r.latency;
  s.push('<h2>Latency and throughput</h2>');
  s.push(
    `<table class="latency"><thead><tr><th>alerts</th><th>min</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th><th>p99.9</th><th>max</th><th>mean</th></tr></thead><tbody><tr>` +
      [l.count, l.min, l.p50, l.p90, l.p95, l.p99, l.p999, l.max, l.mean]
        .map((v, i) => `<td class="num">${i === 0 ? v : x(formatDuration(v))}</td>`)
        .join('') +
      '</tr></tbody></table>',
  );
  s.push(
    `<p>${r.throughput.landedPerSecond.toFixed(1)} rows/s landed on average, peak ${r.throughput.peakPerSecond.toFixed(1)} rows/s; the mock stored ${r.throughput.mockIngestRowsPerSecond.toFixed(1)} rows/s of its busy time. Connector: ${x(r.connector.mode)}, ${r.connector.restarts} restart(s)${
      r.connector.rssMaxBytes !== undefined ? `, max RSS ${(r.connector.rssMaxBytes / 1048576).toFixed(1)} MiB` : ''
    }${r.connector.cpuSeconds !== undefined ? `, ${r.connector.cpuSeconds.toFixed(2)} CPU s` : ''}.</p>`,
  );
  s.push('<div class="charts">');
  s.push(...runCharts(r, index));
  s.push('</div>');

  s.push(...analyticsSection(r));

  if (r.faults.length) {
    s.push('<h2>Faults</h2><table class="faults"><thead><tr><th>at (simulated)</th><th>applied (wall s)</th><th>fault</th><th>detail</th></tr></thead><tbody>');
    for (const f of r.faults) s.push(`<tr><td>${x(formatDuration(f.atMs))}</td><td class="num">${f.appliedAt.toFixed(2)}</td><td>${x(f.fault)}</td><td>${x(f.detail)}</td></tr>`);
    s.push('</tbody></table>');
  }

  s.push('<h2>Mock requests</h2>');
  s.push(`<p>${r.requests.total} requests, ${r.requests.injected} answered by an injected fault.</p>`);
  s.push('<table class="requests"><thead><tr><th>status</th><th>count</th></tr></thead><tbody>');
  for (const [st, n] of Object.entries(r.requests.byStatus)) s.push(`<tr><td>${x(st)}</td><td class="num">${n}</td></tr>`);
  s.push('</tbody></table>');

  s.push('<h2>Landed schema</h2>');
  for (const t of r.tables) {
    s.push(`<h3><code>${x(t.name)}</code> — ${t.rowCount} rows, ${t.columns.length} columns</h3>`);
    s.push('<table class="schema"><thead><tr><th>column</th><th>type</th></tr></thead><tbody>');
    for (const c of t.columns) s.push(`<tr><td><code>${x(c.name)}</code></td><td>${x(c.type)}</td></tr>`);
    s.push('</tbody></table>');
  }
  if (!r.tables.length) s.push('<p class="muted">No table landed.</p>');
  s.push('</section>');
  return s.join('\n');
}

/** Sentinel analytics per rule: alerts, incidents, last error and the alert latency percentiles. */
function analyticsSection(r: RunReport): string[] {
  const rules = r.analytics?.rules ?? [];
  if (!rules.length) return [];
  const d = (ms: number | undefined) => (ms === undefined ? '' : x(formatDuration(ms)));
  const s = ['<h2>Sentinel analytics</h2>'];
  s.push(
    `<p>${r.analytics!.incidents} incident(s). Latency: from the earliest Darktrace alert a Sentinel alert holds (its StartTime) to the rule run that raised it (its TimeGenerated), in simulated time.</p>`,
  );
  s.push('<table class="analytics"><thead><tr><th>rule</th><th>runs</th><th>alerts</th><th>incidents</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>last error</th></tr></thead><tbody>');
  for (const u of rules) {
    const l = u.latency;
    s.push(
      `<tr${u.lastError ? ' class="failed"' : ''}><td>${x(u.name)}</td><td class="num">${u.runs}</td><td class="num">${u.alertsRaised}</td><td class="num">${u.incidentsCreated}</td>` +
        `<td class="num">${d(l?.p50)}</td><td class="num">${d(l?.p90)}</td><td class="num">${d(l?.p99)}</td><td class="num">${d(l?.max)}</td><td>${x(u.lastError ?? '')}</td></tr>`,
    );
  }
  s.push('</tbody></table>');
  return s;
}

export function htmlReport(reports: RunReport[]): string {
  const passed = reports.every((r) => r.passed);
  const title = reports.length === 1 ? `dtlab: ${reports[0]!.scenario}` : `dtlab: ${reports.length} scenarios`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${x(title)} — ${passed ? 'PASS' : 'FAIL'}</title>
<style>${CSS}</style>
</head>
<body>
${reports.map(scenarioSection).join('\n')}
</body>
</html>
`;
}

export function writeHtmlReport(file: string, reports: RunReport[]): void {
  writeFileSync(file, htmlReport(reports));
}
