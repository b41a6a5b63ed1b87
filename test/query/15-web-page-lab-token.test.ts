// Issue 15: on a mock whose query API wants a bearer token, the web page's first query just works —
// the page fetches a lab token from the mock's Entra itself — and the audit log shows no request of
// the page's refused (the old page sent the query bare, showed the 401, and waited for a click).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, launchChromium, openWebPage } from '../browser.ts';
import { createMockSentinel, type MockSentinel } from '../../mock-sentinel/index.ts';
import { loadFixtureIntoStore, NOW } from './fixture.ts';

describeInBrowser('web page with query auth', () => {
  let mock: MockSentinel;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mock = createMockSentinel({ now: () => NOW });
    const { url } = await mock.listen();
    await loadFixtureIntoStore(mock.store);
    browser = await launchChromium();
    page = await openWebPage(browser, url);
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  it('the first query fetches a lab token by itself and answers; nothing of the page is refused', async () => {
    expect(await page.inputValue('#token')).toBe('');
    await page.fill('#kql', 'darktrace_model_alerts_CL | count');
    await page.click('#run');
    await page.waitForFunction(() => document.querySelector('#kql-status')?.textContent !== 'running…');
    expect(await page.textContent('#kql-status')).toMatch(/^1 row /);
    expect(await page.isHidden('#kql-error')).toBe(true);
    expect(await page.inputValue('#token')).not.toBe('');
    const audit = mock.audit.list(100);
    expect(audit.filter((e) => e.route === 'token').map((e) => e.status)).toEqual([200]);
    expect(audit.filter((e) => e.status >= 400)).toEqual([]);
  });
});
