import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteConsumerStore, createSqliteServerStore } from '@tidelog/server/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, interleaved } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'tidelog-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const source = join(dir, 'source.sqlite');
let exported = '';

beforeAll(async () => {
  const store = createSqliteServerStore({ filename: source, writer: 'inline' });
  for (const events of interleaved(60)) await store.push('team-1', events);
  for (const events of interleaved(5, 1)) await store.push('other', events);
  await store.close();
  const result = await cli(['export', '--space', 'team-1', '--db', source]);
  expect(result.code).toBe(0);
  exported = result.stdout;
});

const lines = () => exported.split('\n').slice(0, -1);

describe('tidelog export', () => {
  it('writes one envelope per line in position order, then a SHA-256 of the bytes before it', () => {
    const all = lines();
    expect(all).toHaveLength(61);
    const events = all.slice(0, 60).map((l) => JSON.parse(l));
    expect(events.map((e) => e.position)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(Object.keys(events[0])).toEqual([
      'id',
      'streamId',
      'version',
      'type',
      'schemaVersion',
      'data',
      'meta',
      'position',
    ]);
    const body = all
      .slice(0, 60)
      .map((l) => `${l}\n`)
      .join('');
    const hex = createHash('sha256').update(body).digest('hex');
    expect(JSON.parse(all[60]!)).toEqual({ checksum: `sha256:${hex}`, events: 60 });
  });

  it('exports after a position, and an empty space as a checksum line alone', async () => {
    const after = await cli(['export', '--space', 'team-1', '--after', '55', '--db', source]);
    expect(
      after.stdout
        .split('\n')
        .slice(0, -2)
        .map((l) => JSON.parse(l).position),
    ).toEqual([56, 57, 58, 59, 60]);
    const empty = await cli(['export', '--space', 'nobody', '--db', source]);
    expect(empty.code).toBe(0);
    expect(JSON.parse(empty.stdout)).toMatchObject({ events: 0 });
  });
});

describe('tidelog import', () => {
  it('export → import into an empty database → export again gives an identical file; a second import changes nothing', async () => {
    const target = join(dir, 'roundtrip.sqlite');
    const first = await cli(['import', '--space', 'team-1', '--db', target], exported);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stderr).toMatch(/60 events imported, 0 already there/);
    const again = await cli(['export', '--space', 'team-1', '--db', target]);
    expect(again.stdout).toBe(exported);
    const twice = await cli(['import', '--space', 'team-1', '--db', target], exported);
    expect(twice.code).toBe(0);
    expect(twice.stderr).toMatch(/0 events imported, 60 already there/);
    expect((await cli(['export', '--space', 'team-1', '--db', target])).stdout).toBe(exported);
  });

  it('continues a space from an export taken after a position', async () => {
    const target = join(dir, 'continue.sqlite');
    const head = lines().slice(0, 40);
    const partial = await cli(['export', '--space', 'team-1', '--after', '40', '--db', source]);
    // The first 40 events, as their own export (a checksum line over them).
    const body = head.map((l) => `${l}\n`).join('');
    const hex = createHash('sha256').update(body).digest('hex');
    const first40 = `${body}${JSON.stringify({ checksum: `sha256:${hex}`, events: 40 })}\n`;
    expect((await cli(['import', '--space', 'team-1', '--db', target], first40)).code).toBe(0);
    const rest = await cli(['import', '--space', 'team-1', '--db', target], partial.stdout);
    expect(rest.stderr).toMatch(/20 events imported, 0 already there/);
    expect((await cli(['export', '--space', 'team-1', '--db', target])).stdout).toBe(exported);
  });

  const refused = async (file: string, pattern: RegExp) => {
    const target = join(dir, `refused-${Math.random().toString(36).slice(2)}.sqlite`);
    const result = await cli(['import', '--space', 'team-1', '--db', target], file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).toMatch(/nothing written/);
    const db = new Database(target, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM tidelog_events').pluck().get()).toBe(0);
    db.close();
  };

  it('refuses a corrupted line, a missing line, a cut file, a wrong checksum, and writes nothing', async () => {
    const all = lines();
    const changed = [...all];
    changed[9] = changed[9]!.replace('"i":9', '"i":99');
    await refused(`${changed.join('\n')}\n`, /line 61: the checksum does not match/);
    const damaged = [...all];
    damaged[4] = damaged[4]!.slice(0, 30);
    await refused(`${damaged.join('\n')}\n`, /line 5: not valid JSON/);
    const missing = all.filter((_, i) => i !== 19);
    await refused(`${missing.join('\n')}\n`, /line 20 \(position 21\): position 21 follows 19: a gap/);
    await refused(`${all.slice(0, 60).join('\n')}\n`, /line 61: the checksum line is missing/);
    const swapped = [...all];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    await refused(`${swapped.join('\n')}\n`, /line 3 \(position 4\): position 4 follows 2: a gap/);
  });

  it('refuses a line that is not an envelope, a version break, a repeated id, a checksum line in the middle', async () => {
    const all = lines();
    const rehash = (events: string[]) => {
      const body = events.map((l) => `${l}\n`).join('');
      const hex = createHash('sha256').update(body).digest('hex');
      return `${body}${JSON.stringify({ checksum: `sha256:${hex}`, events: events.length })}\n`;
    };
    const events = all.slice(0, 60);
    const notEnvelope = [...events];
    notEnvelope[6] = '{"foo":1}';
    await refused(rehash(notEnvelope), /line 7: not a valid event/);
    const versionBreak = [...events];
    const fourth = JSON.parse(versionBreak[3]!);
    versionBreak[3] = JSON.stringify({ ...fourth, version: fourth.version + 1 });
    await refused(rehash(versionBreak), /line 4 \(position 4\): stream "stream-0" goes from version 1 to 3/);
    const repeated = [...events];
    repeated[8] = JSON.stringify({ ...JSON.parse(repeated[8]!), id: JSON.parse(repeated[2]!).id });
    await refused(rehash(repeated), /line 9 \(position 9\): id .* appears twice/);
    const middle = [...all.slice(0, 10), all[60]!, ...all.slice(10)];
    await refused(`${middle.join('\n')}\n`, /line 11: a checksum line before the end of the file/);
    const firstVersion = [JSON.stringify({ ...JSON.parse(events[0]!), version: 2 }), ...events.slice(1)];
    await refused(
      rehash(firstVersion),
      /line 1 \(position 1\): stream "stream-0" starts at version 2, not 1/,
    );
  });

  it('refuses a file that does not continue the space, and writes nothing', async () => {
    const target = join(dir, 'diverged.sqlite');
    const store = createSqliteServerStore({ filename: target, writer: 'inline' });
    for (const events of interleaved(3)) await store.push('team-1', events);
    await store.close();
    const result = await cli(['import', '--space', 'team-1', '--db', target], exported);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/position 1 holds another event/);
    expect((await cli(['stats', '--json', '--db', target])).stdout).toMatch(/"events":3/);
  });
});

describe('tidelog verify', () => {
  it('passes a sound database and names the first bad position of a broken one', async () => {
    expect(await cli(['verify', '--db', source])).toMatchObject({
      code: 0,
      stdout: 'ok: 2 spaces checked, 0 with faults\n',
    });
    const broken = join(dir, 'broken.sqlite');
    writeFileSync(broken, '');
    expect((await cli(['import', '--space', 'team-1', '--db', broken], exported)).code).toBe(0);
    const db = new Database(broken);
    db.prepare('DELETE FROM tidelog_events WHERE position = 17').run();
    db.close();
    const result = await cli(['verify', '--db', broken]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/space "team-1": first bad position 18: position 18 where 17 was expected/);
    expect(result.stdout).toBe('FAULTS: 1 spaces checked, 1 with faults\n');
    const bumped = new Database(broken);
    bumped.prepare('UPDATE tidelog_events SET version = 99 WHERE position = 5').run();
    bumped.close();
    const version = await cli(['verify', '--space', 'team-1', '--db', broken]);
    expect(version.stderr).toMatch(
      /first bad position 5: stream "stream-1" has version 99 where 2 was expected/,
    );
  });

  it('checks an export file and names its first bad line', async () => {
    const file = join(dir, 'export.jsonl');
    writeFileSync(file, exported);
    expect(await cli(['verify', '--file', file])).toMatchObject({
      code: 0,
      stdout: 'ok: 60 events, checksum matches\n',
    });
    const missing = lines().filter((_, i) => i !== 30);
    const result = await cli(['verify', '--file', '-'], `${missing.join('\n')}\n`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 31 \(position 32\): position 32 follows 30: a gap/);
  });
});

describe('tidelog stats and usage', () => {
  it('prints spaces, events, streams, head and size', async () => {
    const json = await cli(['stats', '--json', '--db', source]);
    const stats = JSON.parse(json.stdout);
    expect(stats.spaces).toEqual([
      { space: 'other', events: 5, streams: 1, head: 5 },
      { space: 'team-1', events: 60, streams: 3, head: 60 },
    ]);
    expect(stats.sizeBytes).toBeGreaterThan(0);
    expect((await cli(['stats', '--db', source])).stdout).toMatch(
      /spaces: 2, events: 65\n {2}other: 5 events, 1 streams, head 5/,
    );
  });

  it('answers --help on each command, and exit code 2 or 3 for usage and database errors', async () => {
    for (const command of ['export', 'import', 'verify', 'stats', 'dead-letters']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: tidelog ${command}`));
    }
    expect((await cli(['--help'])).code).toBe(0);
    expect((await cli([])).code).toBe(2);
    expect((await cli(['launch'])).code).toBe(2);
    expect((await cli(['export', '--db', source])).stderr).toMatch(/--space is required/);
    expect((await cli(['export', '--space', 'a', '--after', '-1', '--db', source])).code).toBe(2);
    expect((await cli(['export', '--space', 'bad space', '--db', source])).code).toBe(2);
    expect((await cli(['stats', '--space', 'a', '--db', source])).stderr).toMatch(
      /--space is not an option of stats/,
    );
    expect((await cli(['stats', '--db', source, '--database-url', 'postgres://x'])).code).toBe(2);
    const missing = await cli(['stats', '--db', join(dir, 'nope.sqlite')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/no database file at/);
  });
});

describe('tidelog dead-letters', () => {
  it('lists dead letters and asks for a retry of one', async () => {
    const file = join(dir, 'letters.sqlite');
    const consumers = createSqliteConsumerStore({ filename: file });
    const fence = (await consumers.acquire('mailer', 'test', 60_000))!;
    const error = { name: 'Error', code: 'SMTP_DOWN', message: 'no route to host' };
    const parked = await consumers.park('mailer', fence, {
      space: 'shop',
      fromPosition: 11,
      toPosition: 20,
      attempts: 5,
      error,
    });
    await consumers.close();
    const listed = await cli(['dead-letters', '--db', file]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /^1 dead letters\n\d+ {2}mailer {2}shop {2}positions 11-20 {2}5 attempts {2}SMTP_DOWN: no route to host/,
    );
    expect((await cli(['dead-letters', '--consumer', 'other', '--db', file])).stdout).toBe(
      '0 dead letters\n',
    );
    const retried = await cli(['dead-letters', '--retry', String(parked.id), '--db', file]);
    expect(retried.code).toBe(0);
    const json = JSON.parse((await cli(['dead-letters', '--json', '--db', file])).stdout);
    expect(json).toMatchObject([
      { id: parked.id, consumer: 'mailer', retryRequested: true, error: { code: 'SMTP_DOWN' } },
    ]);
    expect((await cli(['dead-letters', '--retry', String(parked.id + 100), '--db', file])).code).toBe(1);
    expect((await cli(['dead-letters', '--retry', 'x', '--db', file])).code).toBe(2);
  });
});
