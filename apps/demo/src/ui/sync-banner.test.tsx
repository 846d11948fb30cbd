// @vitest-environment happy-dom

import { act, cleanup, render, screen } from '@testing-library/react';
import { createTidelog, type SyncStatus, type Tidelog } from '@tidelog/client';
import { MemoryEventStore } from '@tidelog/core';
import { TidelogProvider } from '@tidelog/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aggregates } from '../domain/aggregates.js';
import { SyncBanner } from './sync-banner.js';

let tidelog: Tidelog;
let status: SyncStatus;
let listeners: Set<(s: SyncStatus) => void>;
const calls: string[] = [];

beforeEach(async () => {
  tidelog = await createTidelog({ aggregates, store: () => new MemoryEventStore() });
  status = { state: 'live', pending: 0, rejected: 0, cursor: 0, head: 0 };
  listeners = new Set();
  calls.length = 0;
  // A sync API the test drives: the states that need the user are hard to reach for real.
  Object.defineProperty(tidelog, 'sync', {
    value: {
      get status() {
        return status;
      },
      getSnapshot: () => status,
      subscribe(listener: (s: SyncStatus) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      now: async () => status,
      pause: () => calls.push('pause'),
      resume: () => calls.push('resume'),
    },
  });
});
afterEach(async () => {
  cleanup();
  await tidelog.close();
});

const set = (next: Partial<SyncStatus>) =>
  act(() => {
    status = { ...status, ...next };
    for (const l of listeners) l(status);
  });

describe('the sync banner', () => {
  it('stays away while sync runs, and offers the way out of a server reset and of an error', async () => {
    render(
      <TidelogProvider tidelog={tidelog}>
        <SyncBanner />
      </TidelogProvider>,
    );
    expect(screen.queryByRole('alert')).toBeNull();

    set({ state: 'reset', lastError: { name: 'SyncResetError', code: 'SYNC_RESET', message: 'reset' } });
    expect(screen.getByRole('alert').textContent).toContain('reset (restored or wiped)');
    screen.getByRole('button', { name: 'Continue' }).click();
    expect(calls).toEqual(['resume']);

    set({ state: 'error', lastError: { name: 'SyncError', code: 'UNAUTHORIZED', message: 'bad token' } });
    expect(screen.getByRole('alert').textContent).toContain('Sync stopped: bad token (UNAUTHORIZED)');
    screen.getByRole('button', { name: 'Try again' }).click();
    expect(calls).toEqual(['resume', 'resume']);

    set({ state: 'error', lastError: { name: 'WorkerLostError', code: 'WORKER_LOST', message: 'gone' } });
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();

    set({ state: 'live', lastError: undefined });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
