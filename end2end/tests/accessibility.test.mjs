// End-to-end: axe-core on every page a buyer can reach (each demo state of
// the tracking page, with the live map drawn; the order lookup and its
// answer; the shop chooser; the status dictionary; a bad link; a bad
// unsubscribe link), on a phone and a desktop: no serious or critical
// violation. Then the focus ring against whatever is behind it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser } from './browser.mjs';

const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const slugs = Object.keys(demo.api_keys);
const widths = [390, 1280];

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// axe is injected as a script: the pages' Content-Security-Policy admits
// only their own scripts, so this one browser context is told to ignore it.
async function openPage(width) {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 900 } });
  return { context, page: await context.newPage() };
}

async function seriousViolations(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(' | ')}`);
}

async function checkPage(name, width, open) {
  const { context, page } = await openPage(width);
  try {
    await open(page);
    assert.deepEqual(await seriousViolations(page), [], `${name} at ${width}px`);
  } finally {
    await context.close();
  }
}

const hydrated = (page) =>
  page.waitForFunction(() => document.body.dataset.hydrated === 'true', null, { timeout: 15000 });

for (const width of widths) {
  test(`every demo tracking page passes axe at ${width}px`, async () => {
    for (const link of demo.links) {
      await checkPage(`${link.brand}: ${link.state}`, width, async (page) => {
        await page.goto(link.url);
        await hydrated(page);
        if (await page.getByTestId('live-map').count()) {
          // The map, its controls and both markers drawn, Leaflet loaded on demand.
          await page.locator('#live-map .leaflet-marker-icon').nth(1).waitFor({ timeout: 10000 });
        }
      });
    }
  });

  test(`the lookup, its answer, the shop chooser and the reference pages pass axe at ${width}px`, async () => {
    await checkPage('shop chooser', width, (page) => page.goto(`${demo.base_url}/track`));
    for (const slug of slugs) {
      await checkPage(`lookup ${slug}`, width, (page) => page.goto(`${demo.base_url}/track/${slug}`));
      await checkPage(`lookup answer ${slug}`, width, async (page) => {
        await page.goto(`${demo.base_url}/track/${slug}`);
        await page.locator('input[name="order"]').fill('NO-SUCH-ORDER');
        await page.locator('input[name="contact"]').fill('nobody@example.com');
        await Promise.all([page.waitForNavigation(), page.locator('input[name="contact"]').press('Enter')]);
        assert.ok(await page.locator('input[name="order"]').count(), 'the answer page offers the form again');
      });
    }
    await checkPage('status dictionary', width, (page) => page.goto(`${demo.base_url}/status-dictionary?lang=ar`));
    await checkPage('bad tracking link', width, (page) => page.goto(`${demo.base_url}/t/not-a-real-token`));
    await checkPage('bad unsubscribe link', width, (page) => page.goto(`${demo.base_url}/unsubscribe/not-a-real-token`));
  });
}

// WCAG relative luminance and contrast of "rgb(r, g, b)" colours.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

test('the focus ring stands out at least 3:1 from what is behind it, on every brand', async () => {
  const brands = [...new Set(demo.links.map((l) => l.brand))];
  for (const brand of brands) {
    const link = demo.links.find((l) => l.brand === brand);
    const { context, page } = await openPage(1280);
    await page.goto(link.url);
    await hydrated(page);
    const seen = [];
    for (let i = 0; i < 12; i += 1) {
      await page.keyboard.press('Tab');
      const ring = await page.evaluate(() => {
        const el = document.activeElement;
        if (!el || el === document.body) return null;
        const style = getComputedStyle(el);
        let behind = el.parentElement;
        let background = 'rgb(255, 255, 255)';
        for (; behind; behind = behind.parentElement) {
          const colour = getComputedStyle(behind).backgroundColor;
          if (!/rgba\(.*, 0\)$/.test(colour) && colour !== 'transparent') { background = colour; break; }
        }
        return {
          element: `${el.tagName.toLowerCase()} ${el.textContent.trim().slice(0, 30)}`,
          outline: style.outlineColor, outlineStyle: style.outlineStyle, shadow: style.boxShadow, background,
        };
      });
      if (!ring) continue;
      seen.push(ring.element);
      assert.notEqual(ring.outlineStyle, 'none', `${brand}: ${ring.element} shows no focus ring`);
      const halo = ring.shadow.match(/rgba?\([^)]*\)/)?.[0];
      const best = Math.max(contrast(ring.outline, ring.background), halo ? contrast(halo, ring.background) : 0);
      assert.ok(best >= 3, `${brand}: the ring on ${ring.element} is ${best.toFixed(2)}:1 against ${ring.background}`);
    }
    assert.ok(seen.length >= 3, `${brand}: Tab reached ${seen.length} elements`);
    await context.close();
  }
});
