/** One push of a load worker, and what became of it. */
export interface Batch {
  streamId: string;
  ids: string[];
  fromVersion: number;
  events: Record<string, unknown>[];
  /** 'acked': a 200 accepting the whole group; 'refused': a 4xx/5xx answer; 'unknown': no answer. */
  outcome: 'pending' | 'acked' | 'refused' | 'unknown';
}

/**
 * Push batches from `workers` concurrent clients, each owning one stream, until `stop()`
 * or until its connection fails; `onAck` runs after each acknowledged batch (tests only).
 *
 * @example
 * const load = pushLoad(url, 'space', 4, 20, (n) => { if (n === 40) server.kill('SIGKILL'); });
 */
export function pushLoad(
  url: string,
  space: string,
  workers: number,
  batchSize: number,
  onAck: (acked: number) => void,
) {
  const batches: Batch[] = [];
  let acked = 0;
  let stopped = false;
  const worker = async (w: number) => {
    const streamId = `w${w}-${Math.random().toString(36).slice(2, 8)}`;
    let version = 1;
    while (!stopped) {
      const ids = Array.from({ length: batchSize }, () => crypto.randomUUID());
      const events = ids.map((id, i) => ({
        id,
        streamId,
        version: version + i,
        type: 'Loaded',
        schemaVersion: 1,
        data: { w, i },
        meta: { timestamp: new Date().toISOString(), clientId: `worker-${w}` },
      }));
      const batch: Batch = { streamId, ids, fromVersion: version, events, outcome: 'pending' };
      batches.push(batch);
      let res: Response;
      try {
        res = await fetch(`${url}/v1/spaces/${space}/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ clientId: `worker-${w}`, events }),
        });
      } catch {
        batch.outcome = 'unknown'; // the connection failed: stored or not, we cannot know
        return;
      }
      let body: { accepted?: unknown[] } = {};
      try {
        body = (await res.json()) as { accepted?: unknown[] };
      } catch {
        batch.outcome = 'unknown';
        return;
      }
      if (res.status === 200 && body.accepted?.length === 1) {
        batch.outcome = 'acked';
        version += batchSize;
        onAck(++acked);
      } else {
        batch.outcome = 'refused';
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    batches,
    done,
    stop() {
      stopped = true;
    },
  };
}

/** Every event of a space, pulled page by page over HTTP. */
export async function pullAll(url: string, space: string) {
  const events: { id: string; streamId: string; version: number; position: number }[] = [];
  let after = 0;
  for (;;) {
    const res = await fetch(`${url}/v1/spaces/${space}/pull?after=${after}&limit=5000`);
    const page = (await res.json()) as { events: typeof events; hasMore: boolean; head: number };
    events.push(...page.events);
    if (!page.hasMore) return { events, head: page.head };
    after = page.events[page.events.length - 1]!.position;
  }
}
