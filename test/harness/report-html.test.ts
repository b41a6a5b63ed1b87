// --html: one self-contained page; opened in Debian's headless Chromium, its charts render with data points.
import { it, expect, beforeAll, afterAll } from 'vitest';
import { describeInBrowser, launchChromium } from '../browser.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { htmlReport } from '../../harness/reports/html.ts';
import { sampleReport } from './sample-report.ts';

const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
let browser: Browser;

// Needs no browser: runs wherever Chromium is missing too.
it('HTML report is self-contained: no script, no external resource', () => {
  const html = htmlReport([sampleReport()]);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
  expect(html).toContain('<style>');
});

describeInBrowser('HTML report', () => {
  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('renders the throughput and latency charts with their data points, the expectations and the landed schema', async () => {
    mkdirSync(artifacts, { recursive: true });
    const file = join(artifacts, 'report-sample.html');
    writeFileSync(file, htmlReport([sampleReport()]));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) external.push(req.url());
    });
    await page.goto(pathToFileURL(file).href);
    await page.screenshot({ path: join(artifacts, 'report-sample.png'), fullPage: true });

    const charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const points = Array.from(svg.querySelectorAll('circle.point')).map((c) => (c as SVGGraphicsElement).getBBox());
        const lines = Array.from(svg.querySelectorAll('polyline')).map((l) => (l as SVGGraphicsElement).getBBox());
        return { id: svg.id, width: box.width, height: box.height, points: points.length, sizedPoints: points.filter((b) => b.width > 0 && b.height > 0).length, lineWidths: lines.map((b) => b.width) };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['throughput-0', 'progress-0', 'latency-0', 'rss-0']);
    for (const c of charts) {
      expect(c.width, c.id).toBeGreaterThan(300);
      expect(c.height, c.id).toBeGreaterThan(150);
      expect(c.points, c.id).toBeGreaterThanOrEqual(20);
      expect(c.sizedPoints, c.id).toBe(c.points);
      for (const w of c.lineWidths) expect(w, c.id).toBeGreaterThan(100);
    }
    // The throughput chart's points spread over the plot: the last sample is to the right of the first.
    const xs = await page.$$eval('#throughput-0 circle.point', (cs) => cs.map((c) => Number(c.getAttribute('cx'))));
    expect(xs[xs.length - 1]!).toBeGreaterThan(xs[0]! + 400);

    const failedRows = await page.$$eval('table.expectations tr.failed td', (tds) => tds.map((t) => t.textContent));
    expect(failedRows).toContain('latency p99');
    const schema = await page.$$eval('table.schema td code', (cs) => cs.map((c) => c.textContent));
    expect(schema).toEqual(['TimeGenerated', 'dtProduct_s', 'score_d', 'uuid_g']);
    expect(await page.title()).toMatch(/FAIL$/);
    expect(external).toEqual([]);
    await page.close();
  });

  it('draws the run in simulated time with the faults marked where they happened, and the drain in a panel of its own', async () => {
    // 60 s of simulated time sampled over 6 wall seconds, then 30 wall seconds of drain.
    const run = Array.from({ length: 13 }, (_, i) => ({ t: i * 0.5, sim: i * 5, generated: i * 10, landed: i * 9, landedPerSecond: 18 }));
    const drain = Array.from({ length: 10 }, (_, i) => ({ t: 6.5 + i * 3, sim: 60, phase: 'drain' as const, generated: 120, landed: 110 + i, landedPerSecond: 0.3 }));
    const report = sampleReport({
      simulated: { start: '2026-01-15T08:00:00.000Z', end: '2026-01-15T08:01:00.000Z', durationSeconds: 60 },
      series: [...run, ...drain],
      faults: [
        { atMs: 15_000, fault: 'mock.status', detail: '503 for 20s', appliedAt: 1.6 },
        { atMs: 35_000, fault: 'mock.status ends', detail: 'cleared', appliedAt: 3.6 },
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(htmlReport([report]));
    await page.screenshot({ path: join(artifacts, 'report-simulated-time.png'), fullPage: true });
    const ids = await page.$$eval('svg.chart', (svgs) => svgs.map((s) => s.id));
    expect(ids).toEqual(['throughput-0', 'progress-0', 'latency-0', 'drain-0']);
    // The run's charts hold the run's samples only, on the simulated axis: the last point sits at the right end.
    const runXs = await page.$$eval('#progress-0 g.series[data-series="landed"] circle.point', (cs) => cs.map((c) => Number(c.getAttribute('data-x'))));
    expect(runXs).toEqual(run.map((p) => p.sim));
    expect(await page.$eval('#progress-0', (svg) => svg.textContent)).toContain('seconds of simulated time');
    // Each fault is a marker at its simulated time, on every run chart, placed proportionally on the axis.
    const markers = await page.$$eval('#throughput-0 g.fault-marker', (gs) =>
      gs.map((g) => ({ x: Number(g.getAttribute('data-x')), label: g.getAttribute('data-label'), px: (g.querySelector('line') as SVGGraphicsElement).getBBox().x, end: g.classList.contains('fault-end') })),
    );
    expect(markers.map(({ x, label, end }) => ({ x, label, end }))).toEqual([
      { x: 15, label: 'mock.status', end: false },
      { x: 35, label: 'mock.status ends', end: true },
    ]);
    const [first, last] = await page.$$eval('#throughput-0 circle.point', (cs) => [cs[0], cs.at(-1)].map((c) => (c as SVGGraphicsElement).getBBox().x + 2.5));
    expect(markers[0]!.px).toBeCloseTo(first! + ((last! - first!) * 15) / 60, 0);
    expect(markers[1]!.px).toBeCloseTo(first! + ((last! - first!) * 35) / 60, 0);
    expect(await page.$$eval('#latency-0 g.fault-marker', (g) => g.length)).toBe(2);
    // The drain: its own panel, in wall seconds after the traffic, with no fault markers.
    const drainXs = await page.$$eval('#drain-0 g.series[data-series="landed"] circle.point', (cs) => cs.map((c) => Number(c.getAttribute('data-x'))));
    expect(drainXs[0]).toBeCloseTo(0.5, 5);
    expect(drainXs.at(-1)).toBeCloseTo(27.5, 5);
    expect(await page.$$eval('#drain-0 g.fault-marker', (g) => g.length)).toBe(0);
    await page.close();
  });

  it('an empty run still renders its charts, saying there is no data', async () => {
    const page = await browser.newPage();
    await page.setContent(htmlReport([sampleReport({ series: [], passed: true })]));
    expect(await page.$$eval('svg.chart text.no-data', (t) => t.length)).toBe(3);
    await page.close();
  });
});
