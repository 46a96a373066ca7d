// End-to-end: a buyer returns part of a delivered order from the tracking
// page, downloads the label, and watches the return move when the carrier
// scans the return parcel, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';
const api = (path, init = {}) => fetch(`${demo.base_url}/api/v1${path}`, {
  ...init,
  headers: { authorization: `Bearer ${demo.api_keys.northwind}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
});

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a buyer returns an item and follows it on the same page', async () => {
  const link = demo.links.find((l) => l.brand === 'Northwind Industrial Supply' && l.state === 'delivered');
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link.url);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });

  const returns = page.getByTestId('returns');
  assert.equal(await returns.getByTestId('return').count(), 0, 'no return yet');
  await returns.locator('summary').click();
  const line = returns.getByTestId('return-line').first();
  await line.locator('input[type=number]').fill('1');
  await line.locator('select').selectOption('no_longer_needed');
  await page.screenshot({ path: join(output, 'return-form-1280.png'), fullPage: true });
  await Promise.all([page.waitForURL(/return=RMA-/), returns.getByRole('button', { name: 'Request return' }).click()]);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });

  const rma = new URL(page.url()).searchParams.get('return');
  assert.match(rma, /^RMA-[0-9A-Z]{8}$/);
  assert.match(await page.getByTestId('return-outcome').textContent(), new RegExp(`Return ${rma} requested`));
  const card = page.locator(`[data-testid="return"][data-rma="${rma}"]`);
  // The demo's policy approves at once: the label is there to print.
  assert.equal(await card.getByTestId('return-headline').textContent(), 'Return approved');
  const labelUrl = await card.getByTestId('return-label').getAttribute('href');
  const label = await page.request.get(new URL(labelUrl, page.url()).toString());
  assert.equal(label.status(), 200);
  assert.equal(label.headers()['content-type'], 'application/pdf');
  assert.equal((await label.body()).subarray(0, 5).toString(), '%PDF-');
  // Printing the label is a step on the return's own timeline.
  await card.getByText('Return label ready').first().waitFor({ timeout: 10000 });

  // The return parcel gets a tracking number; the carrier scans it.
  const tracking = `1ZRETURN${Date.now()}`;
  const attached = await api(`/returns/${rma}/shipments`, {
    method: 'POST', body: JSON.stringify({ carrier: 'UPS', tracking_number: tracking }),
  });
  assert.equal(attached.status, 201, await attached.text());
  const scanned = await api('/events', {
    method: 'POST',
    body: JSON.stringify({
      source: 'carrier', event_id: `ret-${tracking}`, code: 'PICKED_UP',
      occurred_at: new Date().toISOString(), tracking_number: tracking,
    }),
  });
  assert.equal(scanned.status, 200, await scanned.text());
  await page.waitForFunction(
    (rma) => document.querySelector(`[data-rma="${rma}"] [data-testid="return-headline"]`)?.textContent === 'Return on its way',
    rma, { timeout: 15000 },
  );
  // The order itself stays delivered.
  assert.equal(await page.getByTestId('headline').textContent(), 'Delivered');
  await page.screenshot({ path: join(output, 'return-in-transit-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(output, 'return-in-transit-390.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, 'nothing wider than a phone');
  assert.deepEqual(errors, []);
  await page.close();
});
