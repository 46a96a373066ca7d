// End-to-end: a buyer opens a demo tracking link in real Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const links = demo.links;
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';
const link = (state) => {
  const found = links.find((l) => l.state === state);
  assert.ok(found, `no demo link for "${state}"`);
  return found.url;
};

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test('a demo tracking link shows the milestones and hydrates', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  const response = await page.goto(link('split shipment, 1 of 2 delivered'));
  assert.equal(response.status(), 200);
  assert.equal(await page.getByTestId('headline').textContent(), '1 of 2 shipments delivered');
  const entries = page.getByTestId('timeline-entry');
  const shown = page.locator('[data-testid="timeline-entry"]:visible');
  assert.ok(await entries.count() > 4, 'the server sends the whole history');
  assert.equal(await shown.count(), 4, 'collapsed timeline shows the latest four updates');
  assert.match(await page.getByTestId('timeline').textContent(), /Delivered/);
  assert.equal(await page.getByTestId('shipment').count(), 2);

  // Only a hydrated page answers the toggle: it is a Leptos event handler.
  const toggle = page.getByTestId('timeline-toggle');
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  await toggle.click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="timeline-entry"]')].filter((e) => e.offsetParent !== null).length > 4);
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  assert.match(await toggle.textContent(), /Show fewer/);
  const all = await entries.allTextContents();
  assert.ok(all.some((t) => t.includes('Order placed')), 'the full history reaches back to the order');
  assert.ok(!all.some((t) => t.includes('Picked')), 'warehouse-internal milestones stay hidden');

  await page.screenshot({ path: join(output, 'tracking-page.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});

test('exceptions and lateness are explained in plain words', async () => {
  const page = await browser.newPage();
  await page.goto(link('exception: failed delivery attempt'));
  assert.match(await page.getByTestId('exception').first().textContent(), /could not deliver/);
  await page.goto(link('late (promised date passed)'));
  assert.match(await page.getByTestId('late-notice').textContent(), /running late/);
  await page.screenshot({ path: join(output, 'late-order.png'), fullPage: true });
  await page.close();
});

test('a bad token shows the friendly not-found page', async () => {
  const page = await browser.newPage();
  const url = new URL(link('delivered'));
  const response = await page.goto(`${url.origin}/t/${'x'.repeat(43)}`);
  assert.equal(response.status(), 404);
  assert.match(await page.locator('h1').textContent(), /can't find that page/);
  await page.close();
});

test('a buyer asks for updates on the tracking page and is asked for the code', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link('exception: failed delivery attempt'));
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  const updates = page.getByTestId('updates');
  await updates.getByLabel(/Email or mobile number/).fill('not an address');
  await updates.getByRole('button', { name: 'Send me a code' }).click();
  await updates.getByRole('alert').waitFor();
  assert.match(await updates.getByRole('alert').textContent(), /Please enter a valid email address/);
  await updates.getByLabel(/Email or mobile number/).fill('e2e-buyer@example.com');
  await updates.getByRole('button', { name: 'Send me a code' }).click();
  await updates.getByLabel('Code', { exact: true }).waitFor();
  assert.match(await updates.textContent(), /We sent a code to e2e-buyer@example.com/);
  await updates.getByLabel('Code', { exact: true }).fill('000000');
  await updates.getByRole('button', { name: 'Confirm' }).click();
  await updates.getByRole('alert').waitFor();
  assert.match(await updates.getByRole('alert').textContent(), /not right/);
  await page.screenshot({ path: join(output, 'updates-signup.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
