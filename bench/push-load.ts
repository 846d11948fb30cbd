import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { serve } from '@hono/node-server';
import { type PositionedEnvelope, uuidv7 } from '@tidelog/core';

// Shared by the push-* and pull benchmarks: the same 100-event push bodies for the
// measured server and its raw baseline, a loopback node-server, and a load generator
// in a worker thread (so the client's work does not run on the server's thread).

export const EVENTS_PER_PUSH = 100;
export const CONNECTIONS = 10;

/** One push: 10 new streams × 10 versions, realistic small JSON events. */
export function pushEvents(push: number): Omit<PositionedEnvelope, 'position'>[] {
  return Array.from({ length: EVENTS_PER_PUSH }, (_, i) => ({
    id: uuidv7(),
    streamId: `cart-${push}-${i % 10}`,
    version: 1 + Math.floor(i / 10),
    type: 'ItemAdded',
    schemaVersion: 1,
    data: {
      sku: `sku-${i}`,
      qty: (i % 5) + 1,
      price: 12.5,
      tags: ['a', 'b'],
      options: { gift: i % 2 === 0 },
    },
    meta: { timestamp: new Date().toISOString(), clientId: 'device-1', commandId: uuidv7() },
  }));
}

/** Serve `fetch` on a random loopback port; resolves with its base URL and a stop function. */
export async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
): Promise<{ url: string; stop(): Promise<void> }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        stop: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

// Plain JS so the worker needs no TypeScript loader. Sends every body once, over
// `connections` keep-alive sockets, each lane one request at a time; fails on non-200.
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, bodies, connections, method } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
function send(path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, { method, agent, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(path + ' answered ' + res.statusCode + ': ' + Buffer.concat(chunks).toString().slice(0, 300))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
(async () => {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, async () => {
    while (next < bodies.length) {
      const [path, body] = bodies[next++];
      bytes += (await send(path, body)).length;
    }
  }));
  parentPort.postMessage({ ms: performance.now() - started, bytes });
  agent.destroy();
})().catch((error) => parentPort.postMessage({ error: String(error && error.stack || error) }));
`;

/**
 * Send each [path, body] once to `url` over `connections` keep-alive connections, from a
 * worker thread; resolves with the wall time in ms. GET when `body` is null.
 */
export function load(
  url: string,
  requests: [path: string, body: string | null][],
  connections = CONNECTIONS,
): Promise<number> {
  const method = requests[0]?.[1] === null ? 'GET' : 'POST';
  const worker = new Worker(LOAD_WORKER, {
    eval: true,
    workerData: { url, bodies: requests, connections, method },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: { ms?: number; error?: string }) => {
      void worker.terminate();
      if (m.error) reject(new Error(m.error));
      else resolve(m.ms!);
    });
    worker.once('error', reject);
  });
}

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
