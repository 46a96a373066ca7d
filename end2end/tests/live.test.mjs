// End-to-end: a milestone posted through the API appears on an open
// tracking page without a reload, within 2 seconds.
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

test('a posted milestone appears on the open page within 2 seconds', async () => {
  const link = demo.links.find((l) => l.brand === 'Northwind Industrial Supply' && l.state === 'out for delivery');
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link.url);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  assert.equal(await page.getByTestId('headline').textContent(), 'Out for delivery');
  const orderNumber = await page.locator('[data-testid="order-number"]').getAttribute('data-number');
  const entriesBefore = await page.getByTestId('timeline-entry').count();
  const visible = page.locator('[data-testid="timeline-entry"]:visible');
  // Give the EventSource a moment to connect (it starts after hydration).
  await page.waitForTimeout(300);

  const posted = Date.now();
  const response = await fetch(`${demo.base_url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.api_keys.northwind}` },
    body: JSON.stringify({
      source: 'ups', event_id: `e2e-${posted}`, code: 'DELIVERED',
      occurred_at: new Date().toISOString(), order_number: orderNumber, location: 'Front porch',
    }),
  });
  assert.equal(response.status, 200, await response.text());

  await page.waitForFunction(
    () => document.querySelector('[data-testid="headline"]')?.textContent === 'Delivered',
    null, { timeout: 2000 },
  );
  const elapsed = Date.now() - posted;
  const fresh = page.locator('[data-testid="timeline-entry"].mp-fresh');
  assert.equal(await fresh.count(), 1, 'the new milestone is highlighted');
  assert.match(await fresh.textContent(), /Delivered.*Front porch/s);
  assert.equal(await page.getByTestId('timeline-entry').count(), entriesBefore + 1);
  assert.equal(await visible.count(), 4, 'still only the newest four until expanded');
  assert.match(await page.getByTestId('live-region').textContent(), /New update: Delivered/);
  assert.match(await page.getByTestId('shipment').textContent(), /Delivered/, 'the shipment card updates too');
  console.log(`# milestone visible ${elapsed} ms after the POST`);
  await page.screenshot({ path: join(output, 'live-update.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
