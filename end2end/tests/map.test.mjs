// End-to-end: the live map on a tracking page follows the van as positions
// are posted, and "arriving soon" appears when it gets close.
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

async function postFix(lat, lng) {
  const response = await fetch(`${demo.base_url}/api/v1/positions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.api_keys.northwind}` },
    body: JSON.stringify({
      vehicle_id: demo.vehicles.northwind, latitude: lat, longitude: lng, recorded_at: new Date().toISOString(),
    }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, body);
  return JSON.parse(body);
}

test('the van marker moves as positions arrive, and arriving soon follows', async () => {
  const link = demo.links.find((l) => l.brand === 'Northwind Industrial Supply' && l.state === 'out for delivery, live on the map');
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(link.url);
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });
  const map = page.getByTestId('live-map');
  const van = page.locator('#live-map .leaflet-marker-icon[title="Delivery vehicle"]');
  await van.waitFor({ timeout: 5000 });
  await page.locator('#live-map .leaflet-marker-icon[title="Delivery address"]').waitFor();
  // The marker images load and take their size (Leaflet's stylesheet applies).
  await page.waitForFunction(
    () => [...document.querySelectorAll('#live-map img.leaflet-marker-icon')]
      .every((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0),
    null, { timeout: 5000 },
  );
  assert.match(await page.getByTestId('eta').textContent(), /^Arriving \d/);
  const [destLat, destLng] = (await map.getAttribute('data-destination')).split(',').map(Number);
  const placeBefore = await van.evaluate((el) => el.style.transform);
  await page.waitForTimeout(300); // the EventSource connects after hydration

  // 2.2 km north of the address: outside the arriving-soon radius.
  const outcome = await postFix(destLat + 0.02, destLng);
  assert.deepEqual(outcome.arriving_soon, []);
  await page.waitForFunction(
    (before) => document.querySelector('#live-map .leaflet-marker-icon[title="Delivery vehicle"]')?.style.transform !== before,
    placeBefore, { timeout: 3000 },
  );
  assert.equal(await map.getAttribute('data-vehicle'), `${destLat + 0.02},${destLng}`);
  assert.equal(await page.getByTestId('headline').textContent(), 'Out for delivery');
  assert.ok(await van.evaluate((el) => el.getBoundingClientRect().width > 0), 'the van is still drawn after the update');

  // 200 m away: the geofence fires once, and the page says so.
  const close = await postFix(destLat + 0.0018, destLng);
  assert.equal(close.arriving_soon.length, 1);
  await page.waitForFunction(
    () => document.querySelector('[data-testid="headline"]')?.textContent === 'Arriving soon', null, { timeout: 3000 },
  );
  assert.match(await page.getByTestId('live-region').textContent(), /Arriving soon/);
  await page.screenshot({ path: join(output, 'live-map.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await page.close();
});
