// @vitest-environment happy-dom

import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import { createTidelog, type Tidelog } from '@tidelog/client';
import { MemoryEventStore } from '@tidelog/core';
import { type ReactNode, StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MissingProviderError } from './errors.js';
import { TidelogProvider } from './provider.js';
import { Counter, fakeRejected, fakeSync, rejectedMove, Totals } from './test-fixtures.js';
import { useAggregate } from './use-aggregate.js';
import { useCommand } from './use-command.js';
import { useProjection } from './use-projection.js';
import { useRejected } from './use-rejected.js';
import { useSyncStatus } from './use-sync-status.js';

function Count({ id, renders }: { id: string; renders: Map<string, number> }) {
  renders.set(id, (renders.get(id) ?? 0) + 1);
  const { state, version } = useAggregate(Counter, id);
  return (
    <p data-testid={id}>
      {state.count}@{version}
    </p>
  );
}

/** Reads one stream twice and records what each commit saw. */
function Pair({ commits }: { commits: string[] }) {
  const left = useAggregate(Counter, 'c');
  const right = useAggregate(Counter, 'c');
  commits.push(`${left.version}/${right.version}`);
  return null;
}

let tidelog: Tidelog<typeof Counter>;
beforeEach(async () => {
  tidelog = await createTidelog({
    aggregates: [Counter],
    projections: [Totals],
    store: () => new MemoryEventStore(),
  });
});
afterEach(async () => {
  cleanup();
  await tidelog.close();
});

const wrapper = ({ children }: { children?: ReactNode }) => (
  <StrictMode>
    <TidelogProvider tidelog={tidelog}>{children}</TidelogProvider>
  </StrictMode>
);

describe('useAggregate', () => {
  it('shows the loading state, then the stream, then every change', async () => {
    // Written straight to the store, so the runtime has not cached the stream yet.
    await tidelog.store.appendToStream('c-1', [{ type: 'Incremented', data: { by: 2 } }], {
      expectedVersion: 0,
    });
    const { result } = renderHook(() => useAggregate(Counter, 'c-1'), { wrapper });
    expect(result.current).toEqual({ state: { count: 0 }, version: 0, pending: true });
    await waitFor(() => expect(result.current.pending).toBe(false));
    expect(result.current).toEqual({ state: { count: 2 }, version: 1, pending: false });
    await act(() => tidelog.execute(Counter, 'c-1', 'increment', { by: 3 }));
    expect(result.current).toEqual({ state: { count: 5 }, version: 2, pending: false });
  });

  it('does not re-render a component when an unrelated stream changes', async () => {
    const renders = new Map<string, number>();
    render(
      <TidelogProvider tidelog={tidelog}>
        <Count id="a" renders={renders} />
        <Count id="b" renders={renders} />
      </TidelogProvider>,
    );
    await act(() => tidelog.execute(Counter, 'a', 'increment', { by: 1 }));
    await act(() => tidelog.execute(Counter, 'b', 'increment', { by: 1 }));
    await waitFor(() => expect(screen.getByTestId('b').textContent).toBe('1@1'));
    const before = renders.get('a');
    for (let i = 0; i < 3; i++) await act(() => tidelog.execute(Counter, 'b', 'increment', { by: 1 }));
    expect(screen.getByTestId('b').textContent).toBe('4@4');
    expect(screen.getByTestId('a').textContent).toBe('1@1');
    expect(renders.get('a')).toBe(before);
  });

  it('never shows one stream under another id when the id changes', async () => {
    await tidelog.execute(Counter, 'a', 'increment', { by: 1 });
    await tidelog.execute(Counter, 'b', 'increment', { by: 7 });
    const seen: string[] = [];
    const { result, rerender } = renderHook(
      ({ id }) => {
        const view = useAggregate(Counter, id);
        seen.push(`${id}:${view.pending ? 'pending' : view.state.count}`);
        return view;
      },
      { wrapper, initialProps: { id: 'a' } },
    );
    await waitFor(() => expect(result.current.state.count).toBe(1));
    rerender({ id: 'b' });
    await waitFor(() => expect(result.current.state.count).toBe(7));
    expect(seen.filter((s) => s === 'b:1' || s === 'a:7')).toEqual([]);
  });

  it('gives every component of one render the same version of a stream (no tearing)', async () => {
    const commits: string[] = [];
    render(
      <TidelogProvider tidelog={tidelog}>
        <Pair commits={commits} />
      </TidelogProvider>,
    );
    await act(async () => {
      await Promise.all([1, 1, 1].map((by) => tidelog.execute(Counter, 'c', 'increment', { by })));
    });
    await waitFor(() => expect(commits.at(-1)).toBe('3/3'));
    expect(commits.every((c) => c.split('/')[0] === c.split('/')[1])).toBe(true);
  });
});

describe('useProjection', () => {
  it('shows the projection and follows it', async () => {
    const { result } = renderHook(() => useProjection(Totals), { wrapper });
    expect(result.current).toMatchObject({ state: { total: 0 }, pending: false });
    await act(async () => {
      await tidelog.execute(Counter, 'a', 'increment', { by: 2 });
      await tidelog.execute(Counter, 'b', 'increment', { by: 3 });
      await tidelog.settled();
    });
    expect(result.current).toEqual({ state: { total: 5 }, checkpoint: 2, unconfirmed: 0, pending: false });
  });
});

describe('useCommand', () => {
  it('runs commands, keeps one function across renders and rejects with the coded error', async () => {
    const { result, rerender } = renderHook(() => useCommand(Counter), { wrapper });
    const first = result.current;
    rerender();
    expect(result.current).toBe(first);
    const done = await act(() => result.current('c-1', 'increment', { by: 4 }));
    expect(done.state).toEqual({ count: 4 });
    await expect(result.current('c-1', 'increment', { by: 7 })).rejects.toMatchObject({ code: 'TOO_HIGH' });
    expect((await tidelog.load(Counter, 'c-1')).version).toBe(1);
    const reset = await act(() => result.current('c-1', 'reset'));
    expect(reset.state).toEqual({ count: 0 });
  });
});

describe('useSyncStatus', () => {
  it('follows the sync status and keeps one object while it does not change', async () => {
    const sync = fakeSync(true);
    Object.defineProperty(tidelog, 'sync', { value: sync });
    const { result } = renderHook(() => useSyncStatus(), { wrapper });
    const first = result.current;
    expect(first.state).toBe('idle');
    act(() => sync.set({ state: 'pushing', pending: 2 }));
    expect(result.current).toMatchObject({ state: 'pushing', pending: 2 });
    const second = result.current;
    act(() => sync.set({}));
    expect(result.current).toBe(second);
  });
});

describe('useRejected', () => {
  it('lists rejected commands and retries or discards them', async () => {
    const rejected = fakeRejected();
    rejected.set([rejectedMove('cmd-1'), rejectedMove('cmd-2'), rejectedMove('cmd-3')]);
    Object.assign(tidelog, rejected);
    const { result } = renderHook(() => useRejected(), { wrapper });
    expect(result.current.pending).toBe(true);
    await waitFor(() => expect(result.current.rejected).toHaveLength(3));
    expect(result.current.rejected[0]!.error.code).toBe('TOO_HIGH');
    await act(() => result.current.retry('cmd-1'));
    await act(() => result.current.discard(['cmd-2']));
    expect(result.current.rejected.map((r) => r.entry.commandId)).toEqual(['cmd-3']);
    await act(() => result.current.discard());
    expect(result.current.rejected).toEqual([]);
    expect(rejected.calls).toEqual(['retry cmd-1', 'discard cmd-2', 'discard all']);
  });
});

describe('outside a provider', () => {
  it('throws MissingProviderError naming the hook', () => {
    let caught: unknown;
    try {
      renderHook(() => useAggregate(Counter, 'x'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingProviderError);
    expect(caught).toMatchObject({
      code: 'NO_TIDELOG_PROVIDER',
      message: expect.stringContaining('useAggregate'),
    });
  });
});
