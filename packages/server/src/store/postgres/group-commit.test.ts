import { describe, expect, it } from 'vitest';
import { GroupCommit, type GroupLimits, type Waiting } from './group-commit.js';

/** A GroupCommit whose groups finish when the test says so; records every group it ran. */
function harness(limits: Partial<GroupLimits<string>> = {}) {
  const groups: { key: string; jobs: string[]; finish(): void }[] = [];
  const commit = new GroupCommit<string, string>(
    (key, group: Waiting<string, string>[]) =>
      new Promise<void>((done) => {
        groups.push({
          key,
          jobs: group.map((w) => w.job),
          finish: () => {
            for (const w of group) {
              if (w.job.startsWith('bad')) w.reject(new Error(w.job));
              else w.resolve(`${w.job}@${groups.length}`);
            }
            done();
          },
        });
      }),
    { inFlight: 1, maxJobs: 32, maxWeight: Number.POSITIVE_INFINITY, weight: (j) => j.length, ...limits },
  );
  return { commit, groups };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('GroupCommit', () => {
  it('runs a job at once when its key is idle, and jobs that come meanwhile together next, in order', async () => {
    const { commit, groups } = harness();
    const a = commit.submit('k', 'a');
    expect(groups.map((g) => g.jobs)).toEqual([['a']]);
    const rest = ['b', 'c', 'd'].map((j) => commit.submit('k', j));
    await tick();
    expect(groups).toHaveLength(1);
    groups[0]!.finish();
    expect(await a).toBe('a@1');
    await tick();
    expect(groups.map((g) => g.jobs)).toEqual([['a'], ['b', 'c', 'd']]);
    groups[1]!.finish();
    expect(await Promise.all(rest)).toEqual(['b@2', 'c@2', 'd@2']);
  });

  it('keeps keys independent', async () => {
    const { commit, groups } = harness();
    void commit.submit('k1', 'a');
    void commit.submit('k2', 'b');
    expect(groups.map((g) => [g.key, g.jobs])).toEqual([
      ['k1', ['a']],
      ['k2', ['b']],
    ]);
  });

  it('splits a queue by maxJobs and maxWeight, never leaving a heavy job behind', async () => {
    const { commit, groups } = harness({ maxJobs: 2, maxWeight: 5 });
    void commit.submit('k', 'x');
    const queued = ['aa', 'bb', 'cc', 'toolongjob', 'd'].map((j) => commit.submit('k', j));
    for (let i = 0; i < 5; i++) {
      groups[i]!.finish();
      await tick();
    }
    await Promise.all(queued);
    expect(groups.map((g) => g.jobs)).toEqual([['x'], ['aa', 'bb'], ['cc'], ['toolongjob'], ['d']]);
  });

  it('answers each job of a group on its own: one rejected, the others resolved', async () => {
    const { commit, groups } = harness();
    void commit.submit('k', 'first');
    const jobs = ['ok1', 'bad', 'ok2'].map((j) => commit.submit('k', j));
    groups[0]!.finish();
    await tick();
    groups[1]!.finish();
    const settled = await Promise.allSettled(jobs);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('rejects every job of a group whose run throws, and goes on with the next group', async () => {
    let calls = 0;
    const commit = new GroupCommit<string, string>(
      async (_key, group) => {
        calls++;
        if (calls === 1) throw new Error('boom');
        for (const w of group) w.resolve(w.job);
      },
      { inFlight: 1, maxJobs: 32, maxWeight: Number.POSITIVE_INFINITY, weight: () => 1 },
    );
    const first = commit.submit('k', 'a');
    const second = commit.submit('k', 'b');
    await expect(first).rejects.toThrow('boom');
    expect(await second).toBe('b');
  });

  it('runs up to inFlight groups of one key at once', async () => {
    const { commit, groups } = harness({ inFlight: 2 });
    void commit.submit('k', 'a');
    void commit.submit('k', 'b');
    void commit.submit('k', 'c');
    void commit.submit('k', 'd');
    expect(groups.map((g) => g.jobs)).toEqual([['a'], ['b']]);
    groups[1]!.finish();
    await tick();
    expect(groups.map((g) => g.jobs)).toEqual([['a'], ['b'], ['c', 'd']]);
  });

  it('starts a group beyond the first running one only once overlapAt jobs wait', async () => {
    const { commit, groups } = harness({ inFlight: 2, overlapAt: 3 });
    void commit.submit('k', 'a');
    void commit.submit('k', 'b');
    void commit.submit('k', 'c');
    expect(groups.map((g) => g.jobs)).toEqual([['a']]);
    void commit.submit('k', 'd');
    expect(groups.map((g) => g.jobs)).toEqual([['a'], ['b', 'c', 'd']]);
    void commit.submit('k', 'e');
    groups[0]!.finish();
    await tick();
    // One waiting job, one group running: it waits for that group rather than go alone.
    expect(groups).toHaveLength(2);
    groups[1]!.finish();
    await tick();
    expect(groups.map((g) => g.jobs)).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
    groups[2]!.finish();
  });
});
