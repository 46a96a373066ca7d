// End-to-end: each role's main path in Chromium, signed in with the demo's
// printed logins: a buyer follows an order live, a receiver counts a
// delivery, accounts payable downloads proofs of delivery, customer service
// finds an order and resolves its exception.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';
const login = (role, tenant = 'northwind') => demo.sign_ins.find((s) => s.tenant === tenant && s.role === role);

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function signIn(role, tenant = 'northwind', viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ acceptDownloads: true, viewport });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const who = login(role, tenant);
  await page.goto(`${demo.base_url}/login?tenant=${tenant}`);
  await page.getByLabel('Email', { exact: true }).first().fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/portal\//);
  return { page, errors, context };
}

async function hydrated(page) {
  await page.waitForFunction(() => document.querySelector('[data-testid="who"]') !== null);
}

test('a buyer finds an order and sees a new event arrive without reloading', async () => {
  const { page, errors } = await signIn('buyer');
  assert.match(page.url(), /\/portal\/orders$/);
  await hydrated(page);
  assert.ok(await page.getByTestId('order-row').count() > 0);
  // Filter to orders on their way and open the first.
  await page.getByLabel('Status').selectOption('in_transit');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/status=in_transit/);
  // Not one of the showcase orders the tracking-page tests open.
  const numbers = (await page.getByTestId('order-row').locator('a').allTextContents()).map((n) => n.trim());
  const number = numbers.find((n) => Number(n.split('-')[1]) > 100022);
  assert.ok(number, `an order beyond the showcase among ${numbers}`);
  await page.getByRole('link', { name: number, exact: true }).click();
  await page.waitForURL(new RegExp(`/portal/orders/${number}$`));
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  await page.getByTestId('lines').waitFor();
  const before = await page.getByTestId('timeline-item').count();
  await page.waitForTimeout(500); // the EventSource connects after hydration

  const response = await fetch(`${demo.base_url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.api_keys.northwind}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      source: 'ups', event_id: `e2e-buyer-${Date.now()}`, code: 'ARRIVED_AT_HUB',
      occurred_at: new Date().toISOString(), order_number: number, location: 'Chicago hub',
    }),
  });
  assert.equal(response.status, 200, await response.text());
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="timeline-item"]').length > n, before, { timeout: 10000 });
  assert.match(await page.getByTestId('timeline').textContent(), /Chicago hub/);
  await page.screenshot({ path: join(output, 'portal-buyer-order.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('a receiver counts a delivery one short and the shortage is flagged', async () => {
  const { page, errors } = await signIn('receiver');
  assert.match(page.url(), /\/portal\/inbound$/);
  await page.getByTestId('to-receive').locator('a').first().click();
  await page.waitForURL(/\/portal\/orders\//);
  const form = page.getByTestId('receive-form').first();
  // Nothing is pre-filled: the receiver counts every line.
  const lines = form.locator('li');
  for (let i = 0; i < await lines.count(); i++) {
    const expected = Number((await lines.nth(i).textContent()).match(/expected (\d+)/)[1]);
    const counted = lines.nth(i).locator('input[name^="counted_"]');
    assert.equal(await counted.inputValue(), '');
    await counted.fill(String(i === 0 ? expected - 1 : expected));
  }
  // A count that differs needs a reason.
  await form.getByRole('button', { name: 'Confirm receipt' }).click();
  await page.getByTestId('form-error').waitFor();
  assert.match(await page.getByTestId('form-error').textContent(), /choose a reason/);
  const again = page.getByTestId('receive-form').first();
  const rows = again.locator('li');
  for (let i = 0; i < await rows.count(); i++) {
    const expected = Number((await rows.nth(i).textContent()).match(/expected (\d+)/)[1]);
    await rows.nth(i).locator('input[name^="counted_"]').fill(String(i === 0 ? expected - 1 : expected));
  }
  await again.getByLabel(/If the count differs/).selectOption('short_shipped');
  await again.getByRole('button', { name: 'Confirm receipt' }).click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /Receipt saved\. Received with issues: line \d+ \(.+\): \d+ of \d+ counted, 1 short/);
  assert.match(await page.getByTestId('receipt').first().textContent(), /1 short/);
  assert.match(await page.getByTestId('timeline-item').first().textContent(), /Quantity discrepancy at receiving/);
  await page.screenshot({ path: join(output, 'portal-receiver.png'), fullPage: true });
  // The count is corrected later: all there after all, the shortage resolved.
  const correct = page.getByTestId('correct-form').first();
  const correctLines = correct.locator('li');
  for (let i = 0; i < await correctLines.count(); i++) {
    const expected = Number((await correctLines.nth(i).textContent()).match(/expected (\d+)/)[1]);
    await correctLines.nth(i).locator('input[name^="counted_"]').fill(String(expected));
  }
  await correct.getByLabel('Why is it corrected?').selectOption('miscounted');
  await correct.getByRole('button', { name: 'Save correction' }).click();
  await page.waitForFunction(() => /Receipt corrected/.test(document.querySelector('[data-testid="notice"]')?.textContent ?? ''));
  assert.match(await page.getByTestId('receipt-corrections').first().textContent(), /Corrected 1 time/);
  await page.screenshot({ path: join(output, 'portal-receiver-corrected.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('accounts payable downloads a proof of delivery as PDF and the CSV for invoice matching', async () => {
  const { page, errors } = await signIn('ap');
  assert.match(page.url(), /\/portal\/deliveries$/);
  await page.getByTestId('delivery-row').first().waitFor();
  const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pod-pdf').first().click()]);
  const pdfBytes = readFileSync(await pdf.path());
  assert.match(pdfBytes.subarray(0, 8).toString(), /^%PDF-1\.\d$/);
  assert.match(pdf.suggestedFilename(), /^NW-\d+-POD-\d+\.pdf$/);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\r\n');
  assert.equal(lines[0], 'po,order,shipment,delivered_quantity,delivered_at,pod_id,shortage,short_units,over_units,damaged_units,discrepancy_reason,receipt_corrections,returned_units,credit_amount,credit_currency,credit_reference');
  assert.ok(lines.length > 1);
  assert.ok(lines.slice(1).some((l) => /,POD-\d+,/.test(l)));
  await page.screenshot({ path: join(output, 'portal-ap.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('customer service finds an order and resolves its exception with a reason', async () => {
  const { page, errors } = await signIn('cs');
  assert.match(page.url(), /\/portal\/cs$/);
  // The demo's order held by the carrier (not a showcase link), found by
  // its number typed without the dash.
  await page.getByRole('searchbox').fill('nw100009');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=nw100009/);
  await page.getByTestId('order-row').first().locator('a').click();
  await page.waitForURL(/\/portal\/orders\/NW-100009$/);
  const form = page.getByTestId('override-form');
  const resolve = form.locator('option', { hasText: 'Resolve:' }).first();
  const label = (await resolve.textContent()).trim();
  assert.equal(await form.getByLabel('New status').inputValue(), '', 'nothing is chosen for the person');
  await form.getByLabel('New status').selectOption({ label });
  await form.getByLabel('Reason (required)').fill('Customer rebooked delivery by phone');
  await form.getByRole('button', { name: 'Record' }).click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /recorded/);
  assert.match(await page.getByTestId('audit').textContent(), /status_override.*Customer rebooked delivery by phone/);
  assert.equal(await form.locator('option', { hasText: label }).count(), 0, 'the exception is closed');
  await page.screenshot({ path: join(output, 'portal-cs.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test('an administrator sets up a trading partner and downloads the acknowledgment it was sent', async () => {
  // A carrier's 214 arrives first (control number unique to this run), then
  // the administrator gives the carrier a profile.
  const control = String(Date.now() % 1e9).padStart(9, '0');
  const x12 = readFileSync('tests/samples/edi/214_delivered.x12', 'utf8').replaceAll('000000102', control);
  const posted = await fetch(`${demo.base_url}/api/v1/edi`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.api_keys.northwind}`, 'content-type': 'application/edi-x12' },
    body: x12,
  });
  assert.equal(posted.status, 200, await posted.text());

  const { page, errors } = await signIn('admin');
  await hydrated(page);
  await page.getByRole('link', { name: 'EDI partners' }).click();
  await page.waitForURL(/\/portal\/admin\/edi$/);
  const form = page.getByTestId('partner-form');
  await form.getByLabel('Sender ID (ISA06)').fill('UPSN');
  await form.getByLabel('Name', { exact: true }).fill('UPS (EDI)');
  await form.getByLabel('214 shipment status').check();
  await form.locator('select[name="acknowledgment"]').selectOption('999');
  await form.getByLabel('Time zone of its dates').fill('America/New_York');
  await form.getByRole('button', { name: 'Add partner' }).click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /Saved UPSN/);
  const card = page.getByTestId('partner').filter({ hasText: 'UPSN' });
  assert.match(await card.textContent(), /UPS \(EDI\) · UPSN.*214.*999.*America\/New_York/s);

  const received = page.getByTestId('interchange').filter({ hasText: `UPSN #${control}` });
  assert.match(await received.textContent(), /214 #0001/);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    received.getByRole('link', { name: 'Acknowledgment' }).click(),
  ]);
  const ack = readFileSync(await download.path(), 'utf8');
  assert.match(ack, /^ISA.*\bGS\*FA\b.*\bST\*997\b/s, 'the 997 sent when the 214 arrived');

  for (const [width, height] of [[1280, 900], [390, 844]]) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at ${width} px (${overflow} px)`);
    await page.screenshot({ path: join(output, `portal-admin-edi-${width}.png`), fullPage: true });
  }

  // Removed again, so the demo's other tests see the defaults.
  await card.getByRole('button', { name: 'Remove' }).click();
  await page.getByTestId('notice').filter({ hasText: 'removed' }).waitFor();
  assert.deepEqual(errors, []);
});

test('customer service works the queue: counts, keyboard, assign to me', async () => {
  const { page, errors } = await signIn('cs');
  await page.goto(`${demo.base_url}/portal/cs/exceptions`);
  await hydrated(page);
  const total = Number(await page.getByTestId('count-all').textContent());
  assert.ok(total > 0, 'the demo has orders that need someone');
  assert.equal(await page.getByTestId('queue-row').count(), Math.min(total, 200));
  // j moves to the first order, x ticks it.
  await page.waitForFunction(() => document.body.dataset.queueKeys === 'on', null, { timeout: 15000 });
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  const first = page.getByTestId('queue-row').first();
  assert.equal(await first.locator('input[type=checkbox]').isChecked(), true);
  const number = (await first.locator('a').textContent()).trim();
  await page.getByLabel('Action').selectOption('assign');
  await page.getByLabel('Assign to').selectOption('me');
  await page.getByRole('button', { name: 'Apply to ticked orders' }).click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /1 order assigned to you/);
  // Only mine: the order just taken.
  await page.goto(`${demo.base_url}/portal/cs/exceptions?owner=me`);
  await page.getByTestId('queue-row').first().waitFor();
  assert.ok((await page.getByTestId('queue-row').allTextContents()).some((t) => t.includes(number)));
  assert.match(await page.getByTestId('queue-owner').first().textContent(), /Owner: /);
  await page.screenshot({ path: join(output, 'portal-cs-queue-1280.png'), fullPage: true });
  assert.deepEqual(errors, []);
});

test("every role's main views fit a 390 px phone without sideways scrolling", async () => {
  const views = {
    buyer: ['/portal/orders'],
    receiver: ['/portal/inbound'],
    ap: ['/portal/deliveries'],
    cs: ['/portal/cs?q=nw1000', '/portal/cs/exceptions', '/portal/orders/NW-100009'],
    admin: ['/portal/admin/users', '/portal/admin/edi', '/portal/dashboard'],
  };
  for (const [role, paths] of Object.entries(views)) {
    const { page, errors, context } = await signIn(role, 'northwind', { width: 390, height: 844 });
    const home = new URL(page.url()).pathname;
    const visits = [...new Set([home, ...paths])];
    // An order of the person's own, opened from their list.
    if (role === 'buyer' || role === 'receiver') {
      await page.goto(`${demo.base_url}/portal/orders`);
      visits.push(await page.getByTestId('order-row').first().locator('a').getAttribute('href'));
    }
    for (const path of visits) {
      await page.goto(`${demo.base_url}${path}`);
      await page.waitForLoadState('networkidle');
      await hydrated(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${role} ${path} scrolls sideways by ${overflow} px`);
      const name = `phone-${role}-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.png`;
      await page.screenshot({ path: join(output, name), fullPage: true });
    }
    assert.deepEqual(errors, [], role);
    await context.close();
  }
});
