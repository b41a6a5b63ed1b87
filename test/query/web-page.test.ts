// The web page in a real headless Chromium (Debian's): it loads against a mock with data, lists the
// tables with columns and rows, runs a corpus query and shows exactly its rows, highlights a rejected
// request in the audit log, and its counters follow data as it arrives. A screenshot is kept in
// test-artifacts/ as the run's artifact.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchChromium, openWebPage } from '../browser.ts';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { CORPUS } from './corpus.ts';
import { loadFixtureIntoStore, NOW, WORKSPACE } from './fixture.ts';
import { postLogs } from '../mock-sentinel/helpers.ts';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

let mock: MockSentinel;
let url: string;
let browser: Browser;
let page: Page;

const cellsOf = (selector: string) =>
  page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));

describeInBrowser('web page', () => {
  beforeAll(async () => {
    mock = createMockSentinel({ noQueryAuth: true, now: () => NOW });
    ({ url } = await mock.listen());
    await loadFixtureIntoStore(mock.store);
    browser = await launchChromium();
    page = await openWebPage(browser, url, { width: 1400, height: 1000 });
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  it('lists the workspaces, the tables with their columns and types, and rows with paging', async () => {
    expect(await page.textContent('#workspaces')).toContain(WORKSPACE);
    await page.waitForSelector('#tables li[data-table="darktrace_model_alerts_CL"]');
    // The shipped DCR's empty Darktrace*_CL tables are listed too (they exist from the start).
    await page.click('#tables li[data-table="darktrace_model_alerts_CL"]');
    const columns = await cellsOf('#columns');
    expect(columns).toContainEqual(['groupScore_d', 'double']);
    expect(columns).toContainEqual(['externalId_g', 'guid']);
    await page.waitForFunction(() => document.querySelectorAll('#rows tbody tr').length === 9);
    expect(await page.textContent('#rows-range')).toBe('1–9 of 9');
    expect(await page.isDisabled('#next')).toBe(true);
  });

  it('runs a corpus query in the KQL box and shows exactly its rows', async () => {
    const c = CORPUS.find((x) => x.name === 'arg_max expands the listed columns')!;
    await page.fill('#kql', c.query);
    await page.click('#run');
    await page.waitForFunction(() => /rows? \(/.test(document.querySelector('#kql-status')?.textContent ?? ''));
    const header = await page.$$eval('#kql-result thead th', (ths) => ths.map((th) => th.childNodes[0]?.textContent?.trim()));
    expect(header).toEqual(c.columns.map(([name]) => name));
    expect(await cellsOf('#kql-result')).toEqual(c.rows.map((r) => r.map((v) => (v === null ? '' : String(v)))));
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('query-web-page.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('answers every corpus query exactly through the KQL box', async () => {
    const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
    const sorted = (rows: string[][]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    for (const c of CORPUS) {
      await page.fill('#kql', c.query);
      await page.fill('#kql-timespan', c.timespan ?? '');
      await page.click('#run');
      await page.waitForFunction(() => document.querySelector('#kql-status')?.textContent !== 'running…');
      expect(await page.isHidden('#kql-error'), c.name).toBe(true);
      const header = await page.$$eval('#kql-result thead th', (ths) => ths.map((th) => [th.childNodes[0]?.textContent?.trim(), th.querySelector('small')?.textContent]));
      expect(header, c.name).toEqual(c.columns);
      const cells = await cellsOf('#kql-result');
      const expected = c.rows.map((r) => r.map(text));
      expect(c.ordered ? cells : sorted(cells), c.name).toEqual(c.ordered ? expected : sorted(expected));
    }
    await page.fill('#kql-timespan', '');
  });

  it('shows a bad query with its position and highlights it in the audit log', async () => {
    await page.fill('#kql', 'darktrace_model_alerts_CL | where (');
    await page.click('#run');
    await page.waitForSelector('#kql-error:not(.hidden)');
    expect(await page.textContent('#kql-error')).toContain('line 1, column 36');
    const rejected = await page.waitForSelector('#requests tr.rejected');
    expect(await rejected.textContent()).toContain('BadArgumentError');
    await page.screenshot({ path: new URL('query-web-page-error.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('updates its counters while data arrives', async () => {
    await page.waitForFunction(() => document.querySelector('#count-rows')?.textContent === '9');
    await mock.store.insertRows('darktrace_model_alerts_CL', [
      { TimeGenerated: '2024-01-15T11:58:00Z', TenantId: WORKSPACE, Type: 'darktrace_model_alerts_CL', dtProduct_s: 'System Alert', title_s: 'late arrival' },
    ]);
    await page.waitForFunction(() => document.querySelector('#count-rows')?.textContent === '10');
  });

  it('with --admin-token, opened as /#admin-token=T: reads /_lab with the token and drops it from the address (issue 14 item 7)', async () => {
    const guarded = createMockSentinel({ admin: { token: 'page-token' } });
    try {
      const { url: guardedUrl } = await guarded.listen();
      expect((await postLogs(guardedUrl, [{ a: 1 }], { logType: 'Tok' })).status).toBe(200);
      const tokenPage = await browser.newPage();
      await tokenPage.route('**/*', (route) => (route.request().url().startsWith(guardedUrl) ? route.continue() : route.abort()));
      await tokenPage.goto(`${guardedUrl}/#admin-token=page-token`);
      await tokenPage.waitForSelector('#tables li[data-table="Tok_CL"]');
      expect(await tokenPage.evaluate(() => location.hash)).toBe('');
      await tokenPage.close();
    } finally {
      await guarded.close();
    }
  });
});
