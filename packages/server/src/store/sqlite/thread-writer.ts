import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClosedError, deserializeError, type SerializedError } from '@tidelog/core';
import type { PushedEvent, PushOutcome } from '../types.js';
import type { ConnectionOptions } from './connection.js';
import { encodeEvents } from './writer.js';
import type { WriterRequest } from './writer-thread.js';

/**
 * Start writer-thread.js beside this module; when running from TypeScript source (tests,
 * tsx), start writer-thread.ts through tsx's loader with the `source` condition instead.
 * Undefined when there is no such file (this module was bundled into another file without
 * it, e.g. by esbuild) or no tsx: the store then writes on the calling thread.
 */
function spawnWriterThread(options: ConnectionOptions): Worker | undefined {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./writer-thread.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (entry.protocol !== 'file:' || !existsSync(fileURLToPath(entry))) return undefined;
  if (!fromSource) return new Worker(entry, { workerData: options });
  let tsx: string;
  try {
    // The ESM build of tsx's API (require.resolve finds the CommonJS one beside it).
    tsx = createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs');
  } catch {
    return undefined;
  }
  const boot = `import(${JSON.stringify(pathToFileURL(tsx).href)})
    .then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(boot, { eval: true, workerData: options, execArgv: ['--conditions=source'] });
}

type Reply = { id: number; outcome?: PushOutcome; error?: SerializedError; ready?: true; closed?: true };

/**
 * The main-thread side of the writer thread: sends pushes, resolves them in the order the
 * thread committed them. Keeps SQLite's synchronous writes (and their fsync) off the
 * server's event loop, so HTTP work and disk work run in parallel.
 *
 * @example
 * const writer = ThreadWriter.start({ filename: './data/tidelog.sqlite' });
 * const outcome = await writer?.push('team-1', events);
 * await writer?.close();
 */
export class ThreadWriter {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(o: PushOutcome): void; reject(e: unknown): void }>();
  #next = 1;
  #failure: Error | undefined;
  #exited: Promise<void>;

  /** A writer thread for the file, or undefined when none can be started here. */
  static start(options: ConnectionOptions): ThreadWriter | undefined {
    const worker = spawnWriterThread(options);
    return worker && new ThreadWriter(worker);
  }

  private constructor(worker: Worker) {
    this.#worker = worker;
    this.#worker.unref(); // only pending pushes keep the process alive
    this.#worker.on('message', (reply: Reply) => this.#settle(reply));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', () => {
        this.#fail(new ClosedError('the SQLite writer thread has exited'));
        resolve();
      });
    });
  }

  push(space: string, events: PushedEvent[]): Promise<PushOutcome> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<PushOutcome>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      try {
        // data and meta as JSON text (what the rows store): strings clone far more cheaply
        // than object trees, and the thread has nothing to serialize again.
        this.#worker.postMessage({ id, space, events: encodeEvents(events) } satisfies WriterRequest);
      } catch (error) {
        // Not serializable (a BigInt, a cycle): nothing reached the thread.
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#worker.unref();
        reject(error);
      }
    });
  }

  /** Let queued pushes finish, close the thread's connection, and wait for it to exit. */
  async close(): Promise<void> {
    if (!this.#failure) {
      this.#worker.ref();
      this.#worker.postMessage({ id: this.#next++, close: true } satisfies WriterRequest);
    }
    await this.#exited;
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error) waiter.reject(deserializeError(reply.error));
    else waiter.resolve(reply.outcome!);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }
}
