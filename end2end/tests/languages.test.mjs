// End-to-end: the tracking page in the browser's language, switched in
// place to Arabic (right to left) without a reload, the live stream
// reopened in the new language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('the page speaks the browser language and switches to Arabic in place', async () => {
  const link = demo.links.find((l) => l.brand === 'Bloom & Bark' && l.state === 'exception: failed delivery attempt');
  const context = await browser.newContext({ locale: 'es-ES', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const streams = [];
  page.on('request', (r) => { if (r.url().includes('/events?')) streams.push(r.url()); });

  await page.goto(link.url);
  assert.equal(await page.locator('html').getAttribute('lang'), 'es');
  assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
  const spanish = await page.getByTestId('headline').textContent();
  assert.notEqual(spanish, 'Delivery attempt failed', 'the headline is not English');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  await page.waitForTimeout(300);
  const loads = [];
  page.on('load', () => loads.push(Date.now()));

  await page.selectOption('#language-select', 'ar');
  await page.getByTestId('language-menu').locator('button').click();
  await page.waitForFunction(() => document.documentElement.dir === 'rtl', null, { timeout: 5000 });
  assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
  const arabic = await page.getByTestId('headline').textContent();
  assert.match(arabic, /[\u0600-\u06FF]/, `an Arabic headline: ${arabic}`);
  assert.deepEqual(loads, [], 'switched without reloading the page');
  await page.waitForTimeout(500);
  assert.ok(streams.some((u) => u.includes('lang=es')), `the first stream was Spanish: ${streams}`);
  assert.ok(streams.some((u) => u.includes('lang=ar')), `the stream reopened in Arabic: ${streams}`);
  await page.screenshot({ path: join(output, 'tracking-ar-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(output, 'tracking-ar-390.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling on a phone (${overflow}px)`);

  // The choice is saved: a new visit opens in Arabic whatever the browser says.
  const again = await context.newPage();
  await again.goto(link.url);
  assert.equal(await again.locator('html').getAttribute('dir'), 'rtl');
  assert.deepEqual(errors, []);
  await context.close();
});
