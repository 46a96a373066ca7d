import { readFileSync } from 'node:fs';
import { launchBrowser } from './tests/browser.mjs';
const demo = JSON.parse(readFileSync(process.env.MILEPOST_LINKS, 'utf8'));
const browser = await launchBrowser();
const shots = JSON.parse(process.env.SHOTS);
for (const { role, path, width, name, action } of shots) {
  const context = await browser.newContext({ viewport: { width, height: width < 600 ? 844 : 900 } });
  const page = await context.newPage();
  const who = demo.sign_ins.find((s) => s.tenant === 'northwind' && s.role === role);
  await page.goto(`${demo.base_url}/login?tenant=northwind`);
  await page.getByLabel('Email', { exact: true }).first().fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/portal\//);
  await page.goto(`${demo.base_url}${path}`);
  await page.waitForLoadState('networkidle');
  if (action === 'scroll-receive') await page.locator('[data-testid=receive-form], [data-testid=correct-form]').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `/tmp/shots/${name}.png` });
  await context.close();
}
await browser.close();
