import { describe, expect, it } from 'vitest';
import { event, harness } from './test-support.js';

const LONE = 'A\ud800B';

describe('names and strings must be well-formed Unicode', () => {
  it('refuses a lone surrogate in a type, a clientId, a meta id, data or a key with 400 and stores nothing', async () => {
    const h = harness();
    const bad = [
      { body: { clientId: LONE, events: [event('s', 1)] }, path: 'clientId' },
      { body: { clientId: 'c', events: [event('s', 1, { type: LONE })] }, path: 'events[0].type' },
      { body: { clientId: 'c', events: [event('s', 1, { type: '\udc00' })] }, path: 'events[0].type' },
      {
        body: {
          clientId: 'c',
          events: [event('s', 1, { meta: { timestamp: '2025-01-01T00:00:00Z', clientId: LONE } })],
        },
        path: 'events[0].meta.clientId',
      },
      {
        body: {
          clientId: 'c',
          events: [
            event('s', 1, { meta: { timestamp: '2025-01-01T00:00:00Z', clientId: 'c', commandId: LONE } }),
          ],
        },
        path: 'events[0].meta.commandId',
      },
      {
        body: { clientId: 'c', events: [event('s', 1, { data: { note: LONE } })] },
        path: 'events[0].data.note',
      },
      { body: { clientId: 'c', events: [event('s', 1, { data: { [LONE]: 1 } })] }, path: `events[0].data` },
    ];
    for (const { body, path } of bad) {
      // JSON.stringify writes a lone surrogate as a \u escape: the body itself is valid UTF-8.
      const text = JSON.stringify(body);
      expect(text).toMatch(/\\ud[89a-f]/);
      const res = await h.json<{ error: { code: string; details: { issues: { path: string }[] } } }>(
        'POST',
        '/v1/spaces/t/push',
        { body: text },
      );
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('INVALID_REQUEST');
      expect(res.body.error.details.issues[0]!.path.startsWith(path), path).toBe(true);
    }
    expect(await h.store.head('t')).toBe(0);
  });

  it('refuses a lone surrogate in an appended event type', async () => {
    const h = harness();
    const res = await h.json('POST', '/v1/spaces/t/streams/s', {
      body: JSON.stringify({ events: [{ type: LONE, data: {} }] }),
    });
    expect(res.status).toBe(400);
    expect((await h.store.readStream('t', 's')).version).toBe(0);
  });

  it('accepts surrogate pairs (an emoji) in names and data, escaped or not', async () => {
    const h = harness();
    const e = event('s', 1, { type: 'Smile😀', data: { face: '😀' } });
    expect((await h.push('t', [e])).status).toBe(200);
    const escaped = JSON.stringify({
      clientId: 'c',
      events: [event('s', 2, { type: 'Smile\ud83d\ude00' })],
    }).replace('😀', '\\ud83d\\ude00');
    expect((await h.json('POST', '/v1/spaces/t/push', { body: escaped })).status).toBe(200);
    const { events } = await h.store.readStream('t', 's');
    expect(events.map((x) => x.type)).toEqual(['Smile😀', 'Smile😀']);
  });
});
