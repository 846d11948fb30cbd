/** Upper bounds (seconds) of the request latency histogram. */
const BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;

/** The JavaScript heap in use, where the runtime tells (Node); undefined elsewhere. */
function heapUsed(): number | undefined {
  const memoryUsage = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process
    ?.memoryUsage;
  try {
    return memoryUsage?.().heapUsed;
  } catch {
    return undefined; // a runtime that stubs process.memoryUsage
  }
}

const newHistogram = (): Histogram => ({ counts: BUCKETS.map(() => 0), sum: 0, count: 0 });

/** `map.get(key)`, created by `make` the first time. */
function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * The sync server's counters, in Prometheus text format (version 0.0.4). Labels are
 * bounded: routes are patterns (`/v1/spaces/:space/push`), never space names.
 *
 * @example
 * const app = createSyncServer({ store });
 * console.log(app.metrics.render()); // what GET /metrics answers
 */
export class SyncMetrics {
  pushes = 0;
  appends = 0;
  eventsAccepted = 0;
  conflicts = 0;
  duplicates = 0;
  sseSubscribers = 0;
  // Keyed by method, then route, then status: nested maps cost a lookup per level and no
  // key string per request (this runs once per request).
  readonly #requests = new Map<string, Map<string, Map<number, number>>>();
  readonly #latency = new Map<string, Map<string, Histogram>>();

  /**
   * Count one finished request.
   *
   * @example
   * metrics.observeRequest('POST', '/v1/spaces/:space/push', 200, 0.004);
   */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const byRoute = child(this.#requests, method, () => new Map<string, Map<number, number>>());
    const byStatus = child(byRoute, route, () => new Map<number, number>());
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    const h = child(
      child(this.#latency, method, () => new Map<string, Histogram>()),
      route,
      newHistogram,
    );
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) h.counts[i]!++;
    h.sum += seconds;
    h.count++;
  }

  /**
   * Render every metric as Prometheus text.
   *
   * @example
   * new Response(metrics.render(), { headers: { 'content-type': 'text/plain; version=0.0.4' } });
   */
  render(): string {
    const out: string[] = [];
    const counter = (name: string, help: string, value: number, type = 'counter') => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    };
    counter('tidelog_pushes_total', 'Push requests answered 200.', this.pushes);
    counter('tidelog_appends_total', 'Stream append requests answered 200.', this.appends);
    counter('tidelog_events_accepted_total', 'Events stored by pushes and appends.', this.eventsAccepted);
    counter('tidelog_conflicts_total', 'Push conflicts reported plus appends answered 409.', this.conflicts);
    counter('tidelog_duplicates_total', 'Pushed events acknowledged as duplicates.', this.duplicates);
    counter('tidelog_sse_subscribers', 'Open subscribe (SSE) streams.', this.sseSubscribers, 'gauge');
    const heap = heapUsed();
    if (heap !== undefined)
      counter('tidelog_heap_used_bytes', 'JavaScript heap in use (Node).', heap, 'gauge');
    out.push('# HELP tidelog_http_requests_total HTTP requests by method, route and status.');
    out.push('# TYPE tidelog_http_requests_total counter');
    for (const [method, byRoute] of this.#requests) {
      for (const [route, byStatus] of byRoute) {
        for (const [status, value] of byStatus) {
          out.push(
            `tidelog_http_requests_total${labels({ method, route, status: String(status) })} ${value}`,
          );
        }
      }
    }
    out.push('# HELP tidelog_http_request_duration_seconds Time to answer (for SSE: to open the stream).');
    out.push('# TYPE tidelog_http_request_duration_seconds histogram');
    for (const [method, histograms] of this.#latency) {
      for (const [route, h] of histograms) {
        BUCKETS.forEach((le, i) => {
          out.push(
            `tidelog_http_request_duration_seconds_bucket${labels({ method, route, le: String(le) })} ${h.counts[i]}`,
          );
        });
        out.push(
          `tidelog_http_request_duration_seconds_bucket${labels({ method, route, le: '+Inf' })} ${h.count}`,
        );
        out.push(`tidelog_http_request_duration_seconds_sum${labels({ method, route })} ${h.sum}`);
        out.push(`tidelog_http_request_duration_seconds_count${labels({ method, route })} ${h.count}`);
      }
    }
    return `${out.join('\n')}\n`;
  }
}
