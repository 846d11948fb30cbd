import type { AnyAggregate } from '@tidelog/core';
import type { ClientMode } from '../types.js';
import { registerErrorTransfer } from './error-transfer.js';
import { portLink } from './links.js';
import { TidelogClient } from './remote-client.js';

/**
 * Connect to a runtime served with `servePort`/`serveTidelog` on a port you already have
 * (a MessageChannel in tests, a worker port).
 *
 * @example
 * const client = await connectPort<typeof Counter>(port);
 * await client.execute(Counter, 'c-1', 'increment', { by: 1 });
 */
export async function connectPort<R extends AnyAggregate = AnyAggregate>(
  port: MessagePort,
  options: { mode?: ClientMode; tabLock?: string } = {},
): Promise<TidelogClient<R>> {
  registerErrorTransfer();
  const client = new TidelogClient<R>(portLink(port), options.mode ?? 'in-process', options.tabLock);
  await client.ready;
  return client;
}
