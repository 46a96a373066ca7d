// The tracking page's weight and speed, against the budgets of issue 17:
// run by `make bench-page` (a release build with hashed, precompressed
// files, as `make run` serves) against a demo server. Not a test: it prints
// a table and says which budgets hold.
//
// - transfer: bytes on the wire (headers and compressed bodies, from the
//   DevTools protocol) for a first visit with an empty cache and a repeat
//   visit in the same browser; map tiles come from a third-party server
//   and are left out;
// - first contentful paint and interactive (the app hydrated) on a
//   390 x 844 phone viewport with the CPU slowed 4x, median of RUNS loads;
// - server render: the whole tracking page over HTTP, sequentially.
import { readFileSync } from 'node:fs';
import { launchBrowser } from '../tests/browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const RUNS = Number(process.env.RUNS ?? 9);
const RENDERS = Number(process.env.RENDERS ?? 500);
const origin = new URL(demo.base_url).origin;
const pages = ['in transit', 'out for delivery, live on the map'].map((state) => {
  const link = demo.links.find((l) => l.state === state);
  if (!link) throw new Error(`no demo link for ${state}`);
  return { state, url: link.url };
});

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const ms = (value) => `${value.toFixed(1)} ms`;
const verdict = (value, budget) => (value <= budget ? 'within budget' : 'OVER BUDGET');
const rows = [];
const row = (what, value, budget, shown) => rows.push([what, shown, budget.label, verdict(value, budget.value)]);

// Every response of one navigation that came from our own origin, until the
// page is hydrated and the network has been idle for a moment.
async function transfer(page, session, url, waitForMap) {
  const sizes = new Map();
  const urls = new Map();
  const onResponse = (e) => urls.set(e.requestId, e.response.url);
  const onFinished = (e) => sizes.set(e.requestId, e.encodedDataLength);
  session.on('Network.responseReceived', onResponse);
  session.on('Network.loadingFinished', onFinished);
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 30000 });
  if (waitForMap) await page.locator('#live-map .leaflet-marker-icon').nth(1).waitFor({ timeout: 10000 });
  await page.waitForTimeout(1500);
  session.off('Network.responseReceived', onResponse);
  session.off('Network.loadingFinished', onFinished);
  let total = 0;
  const files = [];
  for (const [id, bytes] of sizes) {
    const of = urls.get(id) ?? '';
    if (!of.startsWith(origin)) continue;
    total += bytes;
    files.push(`${new URL(of).pathname.replace(/^\/t\/[^/]+/, '/t/…')} ${kb(bytes)}`);
  }
  return { total, files };
}

async function weigh({ state, url }) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const session = await context.newCDPSession(page);
  await session.send('Network.enable');
  const waitForMap = state.includes('map');
  const first = await transfer(page, session, url, waitForMap);
  const repeat = await transfer(page, session, url, waitForMap);
  console.log(`\n${state}, first visit:\n  ${first.files.join('\n  ')}`);
  console.log(`${state}, repeat visit:\n  ${repeat.files.join('\n  ')}`);
  row(`${state}: first visit transfer`, first.total, { value: 350 * 1024, label: '<= 350 KB' }, kb(first.total));
  row(`${state}: repeat visit transfer`, repeat.total, { value: 20 * 1024, label: '<= 20 KB' }, kb(repeat.total));
  await context.close();
}

async function paint({ state, url }) {
  const fcp = [];
  const interactive = [];
  for (let i = 0; i < RUNS; i += 1) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const session = await context.newCDPSession(page);
    await session.send('Emulation.setCPUThrottlingRate', { rate: 4 });
    // Notes the moment the app marks itself hydrated (an init script: the
    // page's CSP does not apply to it).
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.body?.dataset.hydrated === 'true') {
          window.__hydratedAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60000 });
    const timing = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      interactive: window.__hydratedAt,
    }));
    fcp.push(timing.fcp);
    interactive.push(timing.interactive);
    await context.close();
  }
  const [fcp50, tti50] = [quantile(fcp, 0.5), quantile(interactive, 0.5)];
  row(`${state}: first contentful paint (p50, 4x CPU)`, fcp50, { value: 1000, label: '< 1 s' },
    `${ms(fcp50)} (max ${ms(Math.max(...fcp))})`);
  row(`${state}: interactive (p50, 4x CPU)`, tti50, { value: 2000, label: '< 2 s' },
    `${ms(tti50)} (max ${ms(Math.max(...interactive))})`);
}

async function render({ state, url }) {
  const times = [];
  for (let i = 0; i < RENDERS + 50; i += 1) {
    const started = performance.now();
    const response = await fetch(url, { headers: { 'accept-encoding': 'identity' } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    if (i >= 50) times.push(performance.now() - started);
  }
  const [p50, p99] = [quantile(times, 0.5), quantile(times, 0.99)];
  row(`${state}: server render, whole page (p50)`, p50, { value: 5, label: '< 5 ms' }, `${ms(p50)} (p99 ${ms(p99)})`);
}

const browser = await launchBrowser();
try {
  for (const page of pages) {
    await weigh(page);
    await paint(page);
    await render(page);
  }
} finally {
  await browser.close();
}
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
console.log('\nTracking page budgets (issue 17 item 7):');
for (const r of rows) console.log('  ' + r.map((cell, c) => cell.padEnd(widths[c])).join('  '));
