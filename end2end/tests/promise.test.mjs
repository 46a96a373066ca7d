// End-to-end: the delivery promise as people see it. A buyer's tracking
// link shows the learned window and why; the portal shows the same window
// on the order; an administrator's KPI dashboard renders its tiles, trend
// charts and scorecards, and its CSV downloads. Screenshots at 1280 and
// 390 px go to end2end/test-results for a person to look at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';
const link = (state) => {
  const found = demo.links.find((l) => l.state === state);
  assert.ok(found, `no demo link for "${state}"`);
  return found.url;
};
const login = (role, tenant = 'northwind') => demo.sign_ins.find((s) => s.tenant === tenant && s.role === role);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// The promise worker learns from the demo's deliveries as the server
// starts; until it has caught up the page honestly shows no window.
async function openWithForecast(page, url) {
  for (let attempt = 0; attempt < 30; attempt++) {
    const response = await page.goto(url);
    assert.equal(response.status(), 200);
    if (await page.getByTestId('forecast').count() > 0) return;
    await page.waitForTimeout(1000);
  }
  assert.fail(`no forecast on ${url} after 30 s`);
}

test('an order in transit shows its predicted window, the reason, and the promise beside it', async () => {
  for (const [width, height] of [[1280, 900], [390, 844]]) {
    const page = await browser.newPage({ viewport: { width, height } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await openWithForecast(page, link('in transit'));
    const forecast = (await page.getByTestId('forecast').textContent()).trim();
    assert.match(forecast, /^Arriving (Mon|Tue|Wed|Thu|Fri|Sat|Sun)/, forecast);
    const reason = (await page.getByTestId('forecast-reason').textContent()).trim();
    assert.match(reason, /deliveries|carrier|promised/i, reason);
    // Beside a forecast the merchant's date is the promise, never a second "expected" date.
    const promised = page.getByTestId('promised');
    if (await promised.count() > 0) assert.match(await promised.textContent(), /Promised for/);
    assert.equal(await page.getByText('Expected by').count(), 0);
    await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
    assert.equal((await page.getByTestId('forecast').textContent()).trim(), forecast, 'hydration keeps the window');
    await page.screenshot({ path: join(output, `promise-tracking-${width}.png`), fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  }
});

async function signIn(role, width) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width, height: 900 } });
  const page = await context.newPage();
  const who = login(role);
  await page.goto(`${demo.base_url}/login?tenant=northwind`);
  await page.getByLabel('Email', { exact: true }).first().fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/portal\//);
  return { page, context };
}

test('the KPI dashboard renders for an administrator and its tables download as CSV', async () => {
  for (const width of [1280, 390]) {
    const { page, context } = await signIn('admin', width);
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const response = await page.goto(`${demo.base_url}/portal/dashboard`);
    assert.equal(response.status(), 200);
    const tiles = page.getByTestId('kpi-tile');
    assert.ok(await tiles.count() >= 4, 'headline tiles');
    assert.match(await tiles.first().textContent(), /On-time delivery/);
    assert.ok(await page.locator('svg').count() > 0, 'weekly trend charts');
    assert.ok(await page.getByTestId('scorecard-carrier').locator('tbody tr').count() > 0, 'a carrier scorecard row');
    // The filter form narrows to one carrier and says so in the URL.
    const carrier = (await page.getByTestId('scorecard-carrier').locator('tbody tr td').first().textContent()).trim();
    await page.getByTestId('kpi-filters').getByLabel('Carrier').selectOption(carrier);
    await page.getByTestId('kpi-filters').getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/carrier=/);
    assert.equal(await page.getByTestId('scorecard-carrier').locator('tbody tr').count(), 1);
    await page.screenshot({ path: join(output, `promise-dashboard-${width}.png`), fullPage: true });
    if (width === 1280) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('a[href*="/portal/dashboard/csv/carriers"]').first().click(),
      ]);
      const path = await download.path();
      const csv = readFileSync(path, 'utf8');
      assert.match(csv.split('\r\n')[0], /^carrier,/);
      assert.ok(csv.includes(carrier), csv);
    }
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('customer service sees the same window on the portal order as the buyer does', async () => {
  for (const width of [1280, 390]) {
    const { page, context } = await signIn('cs', width);
    await page.goto(`${demo.base_url}/portal/orders?status=in_transit`);
    const rows = page.getByTestId('order-row');
    assert.ok(await rows.count() > 0, 'orders in transit');
    // The first in-transit order whose window the worker has stored.
    let found = false;
    for (const number of (await rows.locator('a').allTextContents()).map((n) => n.trim()).slice(0, 10)) {
      await page.goto(`${demo.base_url}/portal/orders/${number}`);
      if (await page.getByTestId('forecast').count() === 0) continue;
      assert.match(await page.getByTestId('forecast').textContent(), /^Arriving /);
      found = true;
      break;
    }
    assert.ok(found, 'an in-transit order with a window');
    await page.screenshot({ path: join(output, `promise-portal-order-${width}.png`), fullPage: true });
    await context.close();
  }
});
