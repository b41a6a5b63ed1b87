// Line charts as inline SVG, drawn here so the HTML report needs no script and no CDN.
import { escapeXml as x } from './xml.ts';

export interface ChartSeries {
  name: string;
  colour: string;
  points: Array<{ x: number; y: number }>;
}

export interface ChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  width?: number;
  height?: number;
  /** Formats y tick labels. */
  formatY?: (v: number) => string;
  /** Vertical marks at x values (faults where they happened); drawn over the plot with their label. */
  markers?: ChartMarker[];
  /** The x axis runs to at least this value (the scenario's duration, when samples stop short of it). */
  xMax?: number;
}

export interface ChartMarker {
  x: number;
  label: string;
  /** 'end': where a fault's window closed (drawn lighter). */
  kind?: 'start' | 'end';
}

const MARGIN = { top: 28, right: 16, bottom: 40, left: 64 };

/** A "nice" step for about `count` ticks over `span`. */
function niceStep(span: number, count: number): number {
  if (span <= 0 || !Number.isFinite(span)) return 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm >= 5 ? 10 : norm >= 2 ? 5 : norm >= 1 ? 2 : 1) * mag;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  return Number.isInteger(v) ? String(v) : v.toFixed(Math.abs(v) < 10 ? 2 : 1);
}

export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 260;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = o.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const markers = (o.markers ?? []).filter((m) => Number.isFinite(m.x) && m.x >= 0);
  const xMax = Math.max(1e-9, o.xMax ?? 0, ...all.map((p) => p.x), ...markers.map((m) => m.x));
  const yStep = niceStep(Math.max(0, ...all.map((p) => p.y)), 5);
  const yMax = Math.max(yStep, Math.ceil(Math.max(0, ...all.map((p) => p.y)) / yStep) * yStep);
  const sx = (v: number) => MARGIN.left + (v / xMax) * plotW;
  const sy = (v: number) => MARGIN.top + plotH - (v / yMax) * plotH;
  const formatY = o.formatY ?? fmt;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" id="${x(o.id)}" class="chart" role="img" aria-label="${x(o.title)}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
  );
  parts.push(`<title>${x(o.title)}</title>`);
  parts.push(`<text class="chart-title" x="${MARGIN.left}" y="18" font-size="14" font-weight="600">${x(o.title)}</text>`);
  // Grid and y ticks.
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    const y = sy(v).toFixed(1);
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y}" y2="${y}" stroke="#e3e3e3"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y}" font-size="11" text-anchor="end" dominant-baseline="middle">${x(formatY(v))}</text>`);
  }
  // X ticks.
  const xStep = niceStep(xMax, 8);
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    const xx = sx(v).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH + 4}" stroke="#555"/>`);
    parts.push(`<text x="${xx}" y="${MARGIN.top + plotH + 16}" font-size="11" text-anchor="middle">${x(fmt(v))}</text>`);
  }
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#555"/>`);
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#555"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" font-size="12" text-anchor="middle">${x(o.xLabel)}</text>`);
  parts.push(
    `<text x="14" y="${MARGIN.top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${x(o.yLabel)}</text>`,
  );
  // Series: a polyline plus one circle per data point (the browser test counts and measures them).
  o.series.forEach((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    parts.push(`<g class="series" data-series="${x(s.name)}">`);
    if (pts.length > 1) {
      parts.push(
        `<polyline fill="none" stroke="${x(s.colour)}" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
      );
    }
    for (const p of pts) {
      parts.push(
        `<circle class="point" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="2.5" fill="${x(s.colour)}" data-x="${p.x}" data-y="${p.y}"><title>${x(`${s.name}: ${fmt(p.y)} at ${fmt(p.x)}`)}</title></circle>`,
      );
    }
    parts.push('</g>');
    // Legend, in the top margin so it never covers the data.
    const lx = MARGIN.left + plotW - 90 * (o.series.length - i);
    const ly = 8;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${x(s.colour)}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly + 9}" font-size="11">${x(s.name)}</text>`);
  });
  // Fault markers: a dashed line at each, its label at the top (alternating rows so neighbours do not overlap).
  markers.forEach((m, i) => {
    const mx = sx(m.x).toFixed(1);
    const colour = m.kind === 'end' ? '#9a6700' : '#cf222e';
    parts.push(`<g class="fault-marker${m.kind === 'end' ? ' fault-end' : ''}" data-x="${m.x}" data-label="${x(m.label)}">`);
    parts.push(`<title>${x(`${m.label} at ${fmt(m.x)} s`)}</title>`);
    parts.push(`<line x1="${mx}" x2="${mx}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="${colour}" stroke-width="1" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${(Number(mx) + 3).toFixed(1)}" y="${MARGIN.top + 10 + (i % 3) * 11}" font-size="10" fill="${colour}">${x(m.label)}</text>`);
    parts.push('</g>');
  });
  if (!all.length) {
    parts.push(`<text class="no-data" x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH / 2}" text-anchor="middle" fill="#888">no data</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
