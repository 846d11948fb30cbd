import { abortError, raceAbort } from './abort.js';

/**
 * What the link does to one request:
 * - `drop-request`: it never reaches the server (the fetch fails as on a lost connection);
 * - `drop-response`: the server handles it (a push is committed), the answer is lost;
 * - `unavailable`: answered 503 `SERVICE_UNAVAILABLE` without reaching the server.
 */
export type LinkFault = 'drop-request' | 'drop-response' | 'unavailable';

/** One request as the link saw it. */
export interface LinkRecord {
  method: string;
  /** Path and query, e.g. `/v1/spaces/team-1/pull?after=0&limit=5000`. */
  path: string;
  /** What the link did: a fault, `offline`, or `passed` (the server's status in `status`). */
  outcome: LinkFault | 'offline' | 'passed';
  status?: number;
}

/** A `fetch` between clients and a server that fails on demand. */
export interface TestLink {
  /** Give this to a client: `sync: { url, space, fetch: link.fetch }`. */
  readonly fetch: typeof fetch;
  /** Every request fails at once, as with no network; open live streams are cut. */
  offline(): void;
  online(): void;
  readonly isOnline: boolean;
  /** Apply `fault` to the next `count` requests (queued after earlier `failNext` calls). */
  failNext(fault: LinkFault, count?: number): void;
  /**
   * Decide a fault for every request (after the `failNext` queue), e.g. from a seeded random
   * source in a property test; return undefined to let it through. `undefined` removes it.
   */
  setFaults(decide: ((request: Request) => LinkFault | undefined) | undefined): void;
  /** Back to a perfect link: online, no queued faults, no fault function. */
  heal(): void;
  /** Cut every open live (SSE) stream now, as a dropped connection does. */
  cutLive(): void;
  /** How many live streams are open through the link. */
  readonly liveStreams: number;
  /** Hold every request until `release()` is called (to look at a client mid-sync). */
  hold(): { release(): void };
  /** What the link did, request by request. */
  readonly log: readonly LinkRecord[];
}

function networkError(message: string): TypeError {
  return new TypeError(`fetch failed: ${message}`);
}

/**
 * Wrap a `fetch` (e.g. `createTestServer().fetch`) in a link that can go offline, drop
 * requests, drop responses after the server committed, answer 503, cut live streams and
 * hold requests: the faults an offline-first app meets on real networks, on demand.
 *
 * @example
 * const link = createTestLink(server.fetch);
 * link.failNext('drop-response'); // the next push is stored, its answer lost
 * await tidelog.sync.now().catch(() => undefined);
 * link.offline();
 */
export function createTestLink(target: typeof fetch): TestLink {
  let online = true;
  let decide: ((request: Request) => LinkFault | undefined) | undefined;
  const queue: LinkFault[] = [];
  const live = new Set<{ cut(): void }>();
  const log: LinkRecord[] = [];
  let gate: Promise<void> | undefined;

  const cutAll = () => {
    for (const stream of [...live]) stream.cut();
  };

  const linkFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    if (gate) await raceAbort(gate, request.signal);
    if (request.signal.aborted) throw abortError(request.signal);
    const { pathname, search } = new URL(request.url);
    const record: LinkRecord = { method: request.method, path: pathname + search, outcome: 'passed' };
    log.push(record);
    if (!online) {
      record.outcome = 'offline';
      throw networkError('the network is offline');
    }
    const fault = queue.shift() ?? decide?.(request);
    if (fault !== undefined) record.outcome = fault;
    if (fault === 'drop-request') throw networkError('the connection dropped before the request was sent');
    if (fault === 'unavailable') {
      record.status = 503;
      return Response.json(
        { error: { code: 'SERVICE_UNAVAILABLE', message: 'the link answered 503' } },
        { status: 503, headers: { 'retry-after': '0' } },
      );
    }
    const response = await raceAbort(target(request), request.signal);
    record.status = response.status;
    if (fault === 'drop-response') {
      // Let the server finish (a push commits before it answers), then lose the answer.
      await response.body?.cancel().catch(() => undefined);
      throw networkError('the connection dropped before the response arrived');
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('text/event-stream') || response.body === null) return response;
    return new Response(cuttable(response.body, live), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  return {
    fetch: linkFetch,
    offline() {
      online = false;
      cutAll();
    },
    online() {
      online = true;
    },
    get isOnline() {
      return online;
    },
    failNext(fault, count = 1) {
      for (let i = 0; i < count; i++) queue.push(fault);
    },
    setFaults(next) {
      decide = next;
    },
    heal() {
      online = true;
      decide = undefined;
      queue.length = 0;
    },
    cutLive: cutAll,
    get liveStreams() {
      return live.size;
    },
    hold() {
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      gate = held;
      return {
        release() {
          if (gate === held) gate = undefined;
          release();
        },
      };
    },
    log,
  };
}

/** A live stream's body that the link can break, as a dropped connection does. */
function cuttable(body: ReadableStream<Uint8Array>, open: Set<{ cut(): void }>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let handle: { cut(): void } | undefined;
  let ended = false;
  const end = () => {
    ended = true;
    open.delete(handle as { cut(): void });
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      handle = {
        cut() {
          if (ended) return;
          end();
          controller.error(networkError('the live stream was cut'));
          // The server sees its client go away and ends the stream.
          reader.cancel().catch(() => undefined);
        },
      };
      open.add(handle);
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (ended) return; // cut while reading: the stream is errored already
        if (done) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        if (ended) return;
        end();
        controller.error(error);
      }
    },
    cancel(reason) {
      end();
      return reader.cancel(reason);
    },
  });
}
