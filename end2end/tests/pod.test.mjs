// End-to-end: a driver's proof of delivery appears on the buyer's open
// tracking page, signature included, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const output = process.env.E2E_OUTPUT ?? 'end2end/test-results';
const api = (path, init = {}) => fetch(`${demo.base_url}/api/v1${path}`, {
  ...init, headers: { authorization: `Bearer ${demo.api_keys.bloombark}`, ...(init.headers ?? {}) },
});

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// A 2x1 PNG, built by hand so the test needs no image library.
function signaturePng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4); length.writeUInt32BE(data.length);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const header = Buffer.from([0, 0, 0, 2, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  // zlib stream of one filter byte and two grey pixels.
  const pixels = Buffer.from([0x78, 0x9c, 0x63, 0x60, 0x30, 0x60, 0x00, 0x00, 0x00, 0x62, 0x00, 0x31]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a proof of delivery appears on the open tracking page', async () => {
  const link = demo.links.find((l) => l.brand === 'Bloom & Bark' && l.state === 'out for delivery');
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link.url);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  assert.equal(await page.getByTestId('pod').count(), 0);
  const orderNumber = await page.locator('[data-testid="order-number"]').getAttribute('data-number');
  const order = await (await api(`/orders/${orderNumber}`)).json();
  const shipment = order.shipments[0].shipment_id;
  await page.waitForTimeout(300); // the EventSource connects after hydration

  const form = new FormData();
  form.append('receiver_name', 'Amelia Hart');
  form.append('delivered_at', new Date().toISOString());
  form.append('signature', new Blob([signaturePng()], { type: 'image/png' }), 'signature.png');
  const response = await api(`/shipments/${shipment}/pod`, { method: 'POST', body: form });
  assert.equal(response.status, 201, await response.text());

  await page.getByTestId('pod').waitFor({ timeout: 3000 });
  assert.equal(await page.getByTestId('pod-receiver').textContent(), 'Amelia Hart');
  assert.equal(await page.getByTestId('headline').textContent(), 'Delivered');
  const signature = page.getByTestId('pod-signature');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="pod-signature"]')?.naturalWidth === 2, null, { timeout: 3000 },
  );
  assert.equal(await signature.getAttribute('alt'), 'Signature of Amelia Hart');
  await page.screenshot({ path: join(output, 'proof-of-delivery.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
