// @vitest-environment happy-dom

import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { createTidelog, type Tidelog } from '@tidelog/client';
import { createTestDevice, createTestServer, type TestServer } from '@tidelog/client/testing';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TidelogProvider } from './provider.js';
import { Counter } from './test-fixtures.js';
import { useAggregate } from './use-aggregate.js';
import { useRejected } from './use-rejected.js';
import { useSyncStatus } from './use-sync-status.js';

const open: Tidelog[] = [];
let server: TestServer | undefined;
afterEach(async () => {
  cleanup();
  await Promise.all(open.splice(0).map((t) => t.close()));
  await server?.close();
  server = undefined;
});

async function device(space: string): Promise<Tidelog<typeof Counter>> {
  server ??= await createTestServer();
  const tidelog = await createTidelog({
    aggregates: [Counter],
    ...createTestDevice({ server, space, name: `react-${open.length}` }).options(),
  });
  open.push(tidelog);
  return tidelog;
}

/** The hooks a board's header and its "refused changes" panel use, on one runtime. */
const useScreen = () => ({
  status: useSyncStatus(),
  rejected: useRejected(),
  counter: useAggregate(Counter, 'c'),
});

describe('the hooks on a syncing runtime (real sync server in-process)', () => {
  it('show pending work while paused, then the command the rebase refused, with its reason', async () => {
    const phone = await device('team');
    const laptop = await device('team');
    const wrapper = ({ children }: { children?: ReactNode }) => (
      <TidelogProvider tidelog={phone}>{children}</TidelogProvider>
    );
    const { result } = renderHook(useScreen, { wrapper });

    act(() => phone.sync.pause());
    await waitFor(() => expect(result.current.status.state).toBe('paused'));
    await act(() => phone.execute(Counter, 'c', 'increment', { by: 6 }));
    await waitFor(() => expect(result.current.status.pending).toBe(1));
    expect(result.current.counter).toMatchObject({ state: { count: 6 }, pending: false });

    // The laptop gets there first: the server now holds 6 of the 10 the counter allows.
    await laptop.execute(Counter, 'c', 'increment', { by: 6 });
    await laptop.sync.now();

    act(() => phone.sync.resume());
    await waitFor(() => expect(result.current.rejected.rejected).toHaveLength(1), { timeout: 10_000 });
    const [refused] = result.current.rejected.rejected;
    expect(refused!.entry).toMatchObject({ command: 'increment', payload: { by: 6 } });
    expect(refused!.error).toMatchObject({ code: 'TOO_HIGH', message: 'too high' });
    await waitFor(() => expect(result.current.status).toMatchObject({ pending: 0, rejected: 1 }));
    expect(result.current.counter.state).toEqual({ count: 6 });

    // A retry fails again for the same reason (and stays); a discard clears it.
    await expect(result.current.rejected.retry(refused!.entry.commandId)).rejects.toMatchObject({
      code: 'TOO_HIGH',
    });
    expect(result.current.rejected.rejected).toHaveLength(1);
    await act(() => result.current.rejected.discard());
    await waitFor(() => expect(result.current.rejected.rejected).toEqual([]));
    await waitFor(() => expect(result.current.status.rejected).toBe(0));
  });
});
