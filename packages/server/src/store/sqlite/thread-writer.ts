import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ClosedError, deserializeError, type SerializedError } from '@tidelog/core';
import { Admission, type AdmissionLimits } from '../admission.js';
import { UnavailableError } from '../errors.js';
import type { PushedEvent, PushOutcome, StoreHealth } from '../types.js';
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

/** Restarts in a row that may end before the thread is ready, before giving up. */
const MAX_FAILED_STARTS = 5;

/**
 * The main-thread side of the writer thread: sends pushes, resolves them in the order the
 * thread committed them. Keeps SQLite's synchronous writes (and their fsync) off the
 * server's event loop, so HTTP work and disk work run in parallel.
 *
 * If the thread dies (an uncaught error, out of memory, a native crash), the pushes it
 * held fail with `UNAVAILABLE` (each may or may not have committed: a client's re-push is
 * then acknowledged as duplicates) and a new thread is started at once. While it starts,
 * `health()` says so; after `MAX_FAILED_STARTS` threads in a row die before they are
 * ready, it gives up: every push fails and `health()` says why, for good.
 *
 * @example
 * const writer = ThreadWriter.start({ filename: './data/tidelog.sqlite' });
 * const outcome = await writer?.push('team-1', events);
 * await writer?.close();
 */
export class ThreadWriter {
  #worker: Worker;
  readonly #options: ConnectionOptions;
  readonly #admission: Admission;
  readonly #pending = new Map<number, { resolve(o: PushOutcome): void; reject(e: unknown): void }>();
  #next = 1;
  /** Set once closed or given up: every later push fails with it. */
  #failure: Error | undefined;
  /** Why the writer cannot take pushes right now (a restart under way), or undefined. */
  #down: string | undefined;
  /** Whether the current thread has said it is ready. */
  #ready = false;
  #failedStarts = 0;
  #closing = false;
  #exited!: Promise<void>;

  /** A writer thread for the file, or undefined when none can be started here. */
  static start(options: ConnectionOptions, queue?: Partial<AdmissionLimits>): ThreadWriter | undefined {
    const worker = spawnWriterThread(options);
    return worker && new ThreadWriter(worker, options, new Admission(queue, 'the SQLite writer queue'));
  }

  private constructor(worker: Worker, options: ConnectionOptions, admission: Admission) {
    this.#admission = admission;
    this.#options = options;
    this.#worker = worker;
    this.#attach(worker);
  }

  /** Whether pushes can be written now, and if not, why. */
  health(): StoreHealth {
    const reason = this.#failure?.message ?? this.#down;
    return reason === undefined ? { ok: true } : { ok: false, reason };
  }

  push(space: string, events: PushedEvent[]): Promise<PushOutcome> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#next++;
    return new Promise<PushOutcome>((resolve, reject) => {
      let release: (() => void) | undefined;
      try {
        // data and meta as JSON text (what the rows store): strings clone far more cheaply
        // than object trees, and the thread has nothing to serialize again.
        const encoded = encodeEvents(events);
        let bytes = 0;
        for (const e of encoded) bytes += e.data.length + e.meta.length;
        // A full queue refuses the push before it takes any memory here or in the thread.
        release = this.#admission.enter(bytes);
        this.#pending.set(id, {
          resolve: (outcome) => {
            release!();
            resolve(outcome);
          },
          reject: (error) => {
            release!();
            reject(error);
          },
        });
        if (this.#pending.size === 1) this.#worker.ref();
        this.#worker.postMessage({ id, space, events: encoded } satisfies WriterRequest);
      } catch (error) {
        // Refused, or not serializable (a BigInt, a cycle): nothing reached the thread.
        release?.();
        if (this.#pending.delete(id) && this.#pending.size === 0) this.#worker.unref();
        reject(error);
      }
    });
  }

  /** Let queued pushes finish, close the thread's connection, and wait for it to exit. */
  async close(): Promise<void> {
    this.#closing = true;
    if (!this.#failure) {
      this.#worker.ref();
      this.#worker.postMessage({ id: this.#next++, close: true } satisfies WriterRequest);
    }
    await this.#exited;
  }

  #attach(worker: Worker): void {
    worker.unref(); // only pending pushes keep the process alive
    if (this.#pending.size > 0) worker.ref();
    worker.on('message', (reply: Reply) => this.#settle(reply));
    // An uncaught error in the thread: its 'exit' follows, which is where it is handled.
    worker.on('error', () => {});
    this.#exited = new Promise((resolve) => {
      worker.once('exit', () => {
        this.#onExit(worker);
        resolve();
      });
    });
  }

  /** The thread ended: on close, fail what is left; otherwise restart it (or give up). */
  #onExit(worker: Worker): void {
    if (worker !== this.#worker) return;
    if (this.#closing || this.#failure) {
      this.#fail(this.#failure ?? new ClosedError('the SQLite writer thread has exited'));
      return;
    }
    this.#failedStarts = this.#ready ? 1 : this.#failedStarts + 1;
    this.#rejectPending(
      new UnavailableError(
        'the SQLite writer thread stopped; the push may or may not be stored: push it again',
      ),
    );
    const respawned = this.#failedStarts <= MAX_FAILED_STARTS ? spawnWriterThread(this.#options) : undefined;
    if (!respawned) {
      this.#down = undefined;
      this.#fail(
        new UnavailableError(
          `the SQLite writer thread died ${this.#failedStarts} times in a row before it was ready: gave up`,
        ),
      );
      return;
    }
    this.#down = 'the SQLite writer thread stopped and is restarting';
    this.#ready = false;
    this.#worker = respawned;
    this.#attach(respawned);
  }

  #settle(reply: Reply): void {
    if (reply.ready) {
      this.#ready = true;
      this.#down = undefined;
      this.#failedStarts = 0;
      return;
    }
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error) waiter.reject(deserializeError(reply.error));
    else waiter.resolve(reply.outcome!);
  }

  #rejectPending(error: Error): void {
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#rejectPending(error);
  }
}
