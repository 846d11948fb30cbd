import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../../../test-utils/browser.js';
import { boardOf, moveRight, newDevice, offlineSwitch, renameCard, syncState } from './board-page.js';
import { startDemoServer } from './demo-server.js';

// Screenshots are test artifacts (git-ignored), for a person to look at after a run.
const artifacts = fileURLToPath(new URL('../../../test-results/demo/', import.meta.url));

let server: Awaited<ReturnType<typeof startDemoServer>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  server = await startDemoServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_FLAGS,
  });
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

const viewports = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
];

describe.each(viewports)('the demo board on two devices ($name, $width×$height)', (viewport) => {
  it('converges after one device was offline, and shows the losing WIP move as refused with its reason', async () => {
    const board = `/b/e2e-${viewport.name}`;
    const a = await newDevice(browser, server.url, viewport);
    const b = await newDevice(browser, server.url, viewport);
    try {
      const a1 = await a.open(board);
      await a1.getByRole('button', { name: 'Add a few sample cards' }).click();
      await expect.poll(() => boardOf(a1).then((c) => c.done)).toEqual(['Ship v0.1']);
      // Doing (WIP limit 2) holds one card: room for exactly one more.
      expect((await boardOf(a1)).doing).toEqual(['Offline mode for the editor']);

      const b1 = await b.open(board);
      const a2 = await a.open(board); // a second tab of device A
      await expect.poll(() => boardOf(b1)).toEqual(await boardOf(a1));
      await expect.poll(() => syncState(b1)).toMatchObject({ pending: 0 });

      // A goes offline with the app's switch; B stays online. Both move a card into Doing.
      await offlineSwitch(a1).click();
      await expect.poll(() => syncState(a1).then((s) => s.state)).toBe('paused');
      await moveRight(a1, 'Sketch the onboarding flow', 'Doing');
      await renameCard(a1, 'Fix flaky login test', 'Fix the flaky login test');
      await moveRight(b1, 'Write the sync docs', 'Doing');
      await renameCard(b1, 'Ship v0.1', 'Ship v0.1 🎉');
      await expect.poll(() => syncState(b1)).toMatchObject({ pending: 0 });
      // Device A's other tab sees A's offline edits at once (one SharedWorker, one store).
      await expect
        .poll(() => boardOf(a2).then((c) => c.doing))
        .toEqual(['Offline mode for the editor', 'Sketch the onboarding flow']);
      expect((await syncState(a2)).pending).toBeGreaterThan(0);
      await a1.screenshot({ path: `${artifacts}${viewport.name}-1-offline.png` });

      // Back online: A's move meets B's and loses; everything else of A goes through.
      await offlineSwitch(a1).click();
      const converged = {
        backlog: ['Sketch the onboarding flow'],
        doing: ['Offline mode for the editor', 'Write the sync docs'],
        review: ['Fix the flaky login test'],
        done: ['Ship v0.1 🎉'],
      };
      for (const page of [a1, a2, b1])
        await expect.poll(() => boardOf(page), { timeout: 20_000 }).toEqual(converged);
      for (const page of [a1, a2]) {
        const refused = page.getByTestId('rejected');
        await refused.waitFor();
        expect(await refused.textContent()).toContain('Move “Sketch the onboarding flow” to Doing');
        expect(await page.getByTestId('rejected-reason').textContent()).toContain(
          '“Doing” is at its WIP limit of 2',
        );
      }
      expect(await b1.getByTestId('rejected').count()).toBe(0);
      await expect.poll(() => syncState(a1)).toMatchObject({ pending: 0 });
      await a1.screenshot({ path: `${artifacts}${viewport.name}-2-refused.png` });

      // A reload keeps everything: the board and the refused move come back from IndexedDB.
      await a1.reload();
      await a1.getByTestId('board').waitFor();
      await expect.poll(() => boardOf(a1)).toEqual(converged);
      await a1.getByTestId('rejected').waitFor();

      // Discarding it clears it in every tab of the device.
      await a1.getByRole('button', { name: 'Discard' }).click();
      for (const page of [a1, a2]) await expect.poll(() => page.getByTestId('rejected').count()).toBe(0);

      expect([...a.problems, ...b.problems]).toEqual([]);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
