import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainError, defineAggregate, fold, type PositionedEnvelope } from '@tidelog/core';
import { createTidelog, type Tidelog } from '../runtime.js';
import type { TestDevice } from '../testing/index.js';

/** An account whose balance must stay ≥ 0: a rule another device's events can break. */
export const Account = defineAggregate({
  type: 'account',
  initialState: { balance: 0, entries: 0 },
  events: {
    Deposited: (s, e: { amount: number }) => {
      s.balance += e.amount;
      s.entries++;
    },
    Withdrawn: (s, e: { amount: number }) => {
      s.balance -= e.amount;
      s.entries++;
    },
  },
  commands: {
    deposit: (_s, p: { amount: number }) => ({ type: 'Deposited', data: { amount: p.amount } }),
    withdraw: (s, p: { amount: number }) => {
      if (s.balance < p.amount)
        throw new DomainError('insufficient funds', {
          code: 'INSUFFICIENT_FUNDS',
          data: { balance: s.balance },
        });
      return { type: 'Withdrawn', data: { amount: p.amount } };
    },
  },
});

export type AccountRuntime = Tidelog<typeof Account>;

/** Open a runtime on a test device (again, after a close: a restart). */
export function openRuntime(device: TestDevice): Promise<AccountRuntime> {
  return createTidelog({ aggregates: [Account], ...device.options() });
}

/** The server's fold of one stream: what every device must end up with. */
export function serverFold(events: readonly PositionedEnvelope[], streamId: string) {
  const own = events.filter((e) => e.streamId === streamId);
  return { state: fold(Account, Account.initialState, own), version: own.length };
}

/** A temporary directory for SQLite files, removed by the returned function. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'tidelog-sync-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Sync every runtime until a whole pass changes nothing on the server and leaves nothing
 * pending: a rebase after one device's pull may give another device work.
 */
export async function syncAll(runtimes: readonly AccountRuntime[], passes = 6): Promise<void> {
  for (let pass = 0; pass < passes; pass++) {
    for (const runtime of runtimes) {
      await runtime.settled();
      await runtime.sync.now();
      await runtime.settled();
    }
    const quiet = runtimes.every((r) => r.sync.status.pending === 0);
    const heads = new Set(runtimes.map((r) => r.sync.status.cursor));
    if (quiet && heads.size === 1) {
      // One more pass: everyone pulls what the last pushes added.
      for (const runtime of runtimes) await runtime.sync.now();
      await Promise.all(runtimes.map((r) => r.settled()));
      return;
    }
  }
  throw new Error(
    `no convergence after ${passes} passes: ${JSON.stringify(runtimes.map((r) => r.sync.status))}`,
  );
}
