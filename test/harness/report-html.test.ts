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

  it('an empty run still renders its charts, saying there is no data', async () => {
    const page = await browser.newPage();
    await page.setContent(htmlReport([sampleReport({ series: [], passed: true })]));
    expect(await page.$$eval('svg.chart text.no-data', (t) => t.length)).toBe(3);
    await page.close();
  });
});
