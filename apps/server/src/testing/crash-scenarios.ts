import { expect } from 'vitest';
import { type Batch, pullAll, pushLoad } from './push-load.js';
import { spawnServer } from './server-process.js';

type Stored = Awaited<ReturnType<typeof pullAll>>;

/**
 * The durability promises, checked on what a restarted server serves: positions 1…head
 * without a gap, every id once, each stream's versions gapless from 1, every acknowledged
 * batch stored whole at its versions, every refused batch absent, and a batch with no
 * answer stored whole or not at all (a group is atomic).
 */
export function checkLog({ events, head }: Stored, batches: Batch[]): void {
  expect(events.length).toBe(head);
  expect(events.every((e, i) => e.position === i + 1)).toBe(true);
  const byId = new Map(events.map((e) => [e.id, e]));
  expect(byId.size).toBe(events.length);
  const versions = new Map<string, number[]>();
  for (const e of events) versions.set(e.streamId, [...(versions.get(e.streamId) ?? []), e.version]);
  for (const list of versions.values()) expect(list).toEqual(list.map((_, i) => i + 1));
  for (const batch of batches) {
    const found = batch.ids.map((id) => byId.get(id));
    const present = found.filter((e) => e !== undefined).length;
    if (batch.outcome === 'acked') {
      expect(found.map((e) => [e?.streamId, e?.version])).toEqual(
        batch.ids.map((_, i) => [batch.streamId, batch.fromVersion + i]),
      );
    } else if (batch.outcome === 'refused') expect(present).toBe(0);
    else expect([0, batch.ids.length]).toContain(present);
  }
}

/** Resolves when `count` batches have been acknowledged. */
function acks(count: number) {
  let reach!: () => void;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  return { reached, onAck: (n: number) => n === count && reach() };
}

/**
 * Push load, SIGKILL the server mid-load, restart it on the same database: nothing
 * acknowledged is lost, nothing is stored twice, positions stay gapless; then clients
 * re-push what got no answer and it is taken exactly once.
 */
export async function sigkillMidLoad(env: Record<string, string>): Promise<void> {
  const space = 'crash';
  const first = await spawnServer(env);
  const { reached, onAck } = acks(40);
  const load = pushLoad(first.url, space, 4, 25, onAck);
  await reached;
  first.kill('SIGKILL');
  expect((await first.exited).signal).toBe('SIGKILL');
  load.stop();
  await load.done; // each worker ends on its failed connection
  expect(load.batches.filter((b) => b.outcome === 'acked').length).toBeGreaterThanOrEqual(40);

  const second = await spawnServer(env);
  try {
    checkLog(await pullAll(second.url, space), load.batches);
    // A client that got no answer pushes the same events again: duplicates or accepted, never twice.
    for (const batch of load.batches.filter((b) => b.outcome === 'unknown')) {
      const res = await fetch(`${second.url}/v1/spaces/${space}/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'retry', events: batch.events }),
      });
      const body = (await res.json()) as { accepted: unknown[]; duplicates: unknown[]; conflicts: unknown[] };
      expect(res.status).toBe(200);
      expect(body.conflicts).toEqual([]);
      expect(body.accepted.length === 1 || body.duplicates.length === batch.ids.length).toBe(true);
      batch.outcome = 'acked';
    }
    checkLog(await pullAll(second.url, space), load.batches);
  } finally {
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }
}

/**
 * Push load, SIGTERM mid-load: the server finishes what is in flight, closes the store and
 * exits 0; restarted, it serves every acknowledged event, and none of the refused ones.
 */
export async function sigtermMidLoad(env: Record<string, string>): Promise<void> {
  const space = 'graceful';
  const first = await spawnServer(env);
  const { reached, onAck } = acks(20);
  const load = pushLoad(first.url, space, 4, 25, onAck);
  await reached;
  first.kill('SIGTERM');
  await load.done; // workers end on a 503 or a refused connection
  const exit = await first.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(first.records.map((r) => r.msg)).toEqual(expect.arrayContaining(['shutting down', 'stopped']));

  const second = await spawnServer(env);
  try {
    checkLog(await pullAll(second.url, space), load.batches);
  } finally {
    second.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }
}
