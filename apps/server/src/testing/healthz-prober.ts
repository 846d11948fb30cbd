import { Worker } from 'node:worker_threads';

/** What the prober saw: every probe's status and how long the answer took. */
export interface ProbeReport {
  probes: number;
  maxMs: number;
  /** Probes that failed or took 100 ms or more, as `status@ms`. */
  slow: string[];
}

// Plain JavaScript run in a worker thread: the prober's clock and event loop are its own,
// so the load this test process generates cannot delay a probe or hide a slow answer.
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
// The probe times the server, not this machine's other jobs: schedule this thread first
// (Linux nice is per thread; pid 0 is the calling thread). Needs privileges; else skipped.
try { require('node:os').setPriority(0, -15); } catch {}
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const report = { probes: 0, maxMs: 0, slow: [] };
let stopped = false;
function probe() {
  if (stopped) return;
  const started = performance.now();
  const req = http.get(workerData.url + '/healthz', { agent }, (res) => {
    res.resume();
    res.on('end', () => {
      const ms = performance.now() - started;
      report.probes++;
      report.maxMs = Math.max(report.maxMs, ms);
      if (res.statusCode !== 200 || ms >= 100) report.slow.push(res.statusCode + '@' + ms.toFixed(1));
      setTimeout(probe, workerData.everyMs); // the probe rate, not a wait for an outcome
    });
  });
  req.on('error', (error) => {
    report.probes++;
    report.slow.push('error@' + error.message);
    setTimeout(probe, workerData.everyMs);
  });
}
parentPort.on('message', () => {
  stopped = true;
  agent.destroy();
  parentPort.postMessage(report);
});
probe();
`;

/**
 * Probe `GET /healthz` from a worker thread every `everyMs` until `stop()`, which
 * resolves with what it saw.
 *
 * @example
 * const prober = startHealthProber(server.url);
 * const report = await prober.stop();
 */
export function startHealthProber(
  url: string,
  everyMs = 25,
): { stop(): Promise<ProbeReport>; terminate(): Promise<number> } {
  const worker = new Worker(PROBER, { eval: true, workerData: { url, everyMs } });
  return {
    /** End the prober without a report (a test that failed early). */
    terminate: () => worker.terminate(),
    async stop() {
      const report = new Promise<ProbeReport>((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      const result = await report;
      await worker.terminate();
      return result;
    },
  };
}
