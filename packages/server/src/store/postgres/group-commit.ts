/** A job waiting in a group, with the functions that answer its caller. */
export interface Waiting<J, R> {
  job: J;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Limits of one key's groups: at most `inFlight` groups running at once, each at most
 * `maxJobs` jobs and at most `maxWeight` (unless one job alone weighs more). A group
 * beyond the first running one starts only once `overlapAt` jobs wait (default 1), so
 * overlapping does not cut groups small.
 */
export interface GroupLimits<J> {
  inFlight: number;
  overlapAt?: number;
  maxJobs: number;
  maxWeight: number;
  weight(job: J): number;
}

interface Queue<J, R> {
  waiting: Waiting<J, R>[];
  running: number;
}

/**
 * Group commit per key: a job submitted while its key is idle starts a group at once; jobs
 * submitted while groups of the key run wait and then run together as a later group, in
 * the order they came (another group starts beside running ones while fewer than
 * `inFlight` run and `overlapAt` jobs wait). So an idle key adds no delay, and a busy one
 * pays one round trip and one commit for many jobs. `run` must answer every job of its
 * group (resolve or reject each); a slot frees when `run`'s promise settles.
 *
 * @example
 * const groups = new GroupCommit<string, number>(async (key, group) => {
 *   for (const w of group) w.resolve(w.job.length);
 * }, { inFlight: 1, maxJobs: 32, maxWeight: Infinity, weight: () => 1 });
 * await groups.submit('space-1', 'hello'); // 5
 */
export class GroupCommit<J, R> {
  readonly #queues = new Map<string, Queue<J, R>>();

  constructor(
    private readonly run: (key: string, group: Waiting<J, R>[]) => Promise<void>,
    private readonly limits: GroupLimits<J>,
  ) {}

  submit(key: string, job: J): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.#queues.get(key);
      if (!queue) {
        queue = { waiting: [], running: 0 };
        this.#queues.set(key, queue);
      }
      queue.waiting.push({ job, resolve, reject });
      if (this.#mayStart(queue)) void this.#drain(key, queue);
    });
  }

  /** Whether one more group of the queue may start now. */
  #mayStart(queue: Queue<J, R>): boolean {
    const { inFlight, overlapAt = 1 } = this.limits;
    if (queue.waiting.length === 0 || queue.running >= inFlight) return false;
    return queue.running === 0 || queue.waiting.length >= overlapAt;
  }

  /** Run groups of the queue one after another while a new group may start. */
  async #drain(key: string, queue: Queue<J, R>): Promise<void> {
    for (;;) {
      queue.running++;
      const group = this.#take(queue);
      try {
        await this.run(key, group);
      } catch (error) {
        for (const w of group) w.reject(error); // `run` should not throw; never leave a caller hanging
      }
      queue.running--;
      // Jobs left waiting here are taken by the group still running when it ends.
      if (!this.#mayStart(queue)) break;
    }
    if (queue.running === 0 && queue.waiting.length === 0) this.#queues.delete(key);
  }

  /** Take the next group from the head of the queue: within the limits, at least one job if any wait. */
  #take(queue: Queue<J, R>): Waiting<J, R>[] {
    const { maxJobs, maxWeight, weight } = this.limits;
    const { waiting } = queue;
    let count = 0;
    let total = 0;
    while (count < waiting.length && count < maxJobs) {
      const next = weight(waiting[count]!.job);
      if (count > 0 && total + next > maxWeight) break;
      total += next;
      count++;
    }
    return waiting.splice(0, count);
  }
}
