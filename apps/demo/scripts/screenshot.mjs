// Remake docs/demo.png: `npm start`, then `node apps/demo/scripts/screenshot.mjs [origin] [out]`.
// Two pages play two devices on a fresh board: one works offline, its move into a full
// column is refused after sync, and the devtools show the board as of an earlier version.
import { chromium } from 'playwright-core';

const [origin = 'http://127.0.0.1:8787', out = 'docs/demo.png'] = process.argv.slice(2);
const board = `${origin}/b/product-launch-${Date.now().toString(36)}`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
});
const other = await browser.newPage({ viewport: { width: 1200, height: 800 } });
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
const offline = page.getByRole('switch', { name: 'Work offline' });
const add = async (column, title) => {
  const col = page.getByTestId(`column-${column}`);
  await col.getByRole('button', { name: '+ Add a card' }).click();
  await col.getByRole('textbox').fill(title);
  await col.getByRole('textbox').press('Enter');
  await page.getByText(title).waitFor();
  await col.getByRole('button', { name: 'Cancel' }).click();
};

await page.goto(board);
await page.getByRole('button', { name: 'Add a few sample cards' }).click();
await page.getByText('Ship v0.1').waitFor();
await add('backlog', 'Pricing page copy');
await add('done', 'Set up the sync server');
await page.getByRole('button', { name: 'Write the sync docs', exact: true }).click();
await page
  .getByRole('dialog')
  .getByLabel('Notes')
  .fill('Push, pull, live; what a rebase does; what "rejected" means.');
await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
await other.goto(board);
await other.getByText('Pricing page copy').waitFor();
await offline.click();
await page.getByRole('button', { name: 'Move “Write the sync docs” to Doing' }).click();
await other.getByRole('button', { name: 'Move “Sketch the onboarding flow” to Doing' }).click();
await other.locator('[data-testid="sync-status"][data-pending="0"]').waitFor();
await offline.click();
await page.getByTestId('rejected').waitFor();
await offline.click();
await page.getByRole('button', { name: 'Move “Fix flaky login test” to Done' }).click();
await page.getByRole('button', { name: 'Devtools' }).click();
await page.getByTestId('log-row').nth(3).click();
await page.getByText('Viewing the board as of').waitFor();
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);
