// @vitest-environment happy-dom
import { MessageChannel as NodeMessageChannel } from 'node:worker_threads';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import { createTidelog, type Tidelog } from '@tidelog/client';
import { connectPort, servePort } from '@tidelog/client/worker';
import { MemoryEventStore } from '@tidelog/core';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { TidelogProvider } from './provider.js';
import { Counter, Totals } from './test-fixtures.js';
import { useAggregate } from './use-aggregate.js';
import { useCommand } from './use-command.js';
import { useProjection } from './use-projection.js';

const ports: { close(): void }[] = [];
afterEach(() => {
  cleanup();
  for (const p of ports.splice(0)) p.close();
});

describe('the hooks on a client of a runtime behind a port (as connectTidelog gives a page)', () => {
  it('load, run commands and follow changes made elsewhere', async () => {
    const runtime = await createTidelog({
      aggregates: [Counter],
      projections: [Totals],
      store: () => new MemoryEventStore(),
    });
    // Node's MessageChannel, as the client's own bridge tests use: a worker port in a page.
    const { port1, port2 } = new NodeMessageChannel();
    ports.push(port1, port2);
    servePort(Promise.resolve(runtime as Tidelog), port1 as unknown as MessagePort);
    const client = await connectPort<typeof Counter>(port2 as unknown as MessagePort);
    const wrapper = ({ children }: { children?: ReactNode }) => (
      <TidelogProvider tidelog={client}>{children}</TidelogProvider>
    );
    const { result } = renderHook(
      () => ({
        counter: useAggregate(Counter, 'c'),
        totals: useProjection(Totals),
        run: useCommand(Counter),
      }),
      { wrapper },
    );
    expect(result.current.counter.pending).toBe(true);
    await waitFor(() =>
      expect(result.current.counter).toEqual({ state: { count: 0 }, version: 0, pending: false }),
    );

    await act(() => result.current.run('c', 'increment', { by: 2 }));
    expect(result.current.counter).toMatchObject({ state: { count: 2 }, version: 1 });
    // A change made by another page (here: straight on the runtime) arrives too.
    await act(() => runtime.execute(Counter, 'c', 'increment', { by: 3 }));
    await waitFor(() => expect(result.current.counter).toMatchObject({ state: { count: 5 }, version: 2 }));
    await waitFor(() => expect(result.current.totals.state).toEqual({ total: 5 }));
    await expect(result.current.run('c', 'increment', { by: 9 })).rejects.toMatchObject({ code: 'TOO_HIGH' });
    await client.close();
    await runtime.close();
  });
});
