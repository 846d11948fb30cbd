// No `fake-indexeddb/auto` here: a test device brings its own IndexedDB.
import { defineAggregate } from '@tidelog/core';
import { expect, it } from 'vitest';
import { createTidelog } from '../index.js';
import { createTestDevice, createTestServer } from './index.js';

const Note = defineAggregate({
  type: 'note',
  initialState: { text: '' },
  events: {
    Written: (s, e: { text: string }) => {
      s.text = e.text;
    },
  },
  commands: { write: (_s, p: { text: string }) => ({ type: 'Written', data: { text: p.text } }) },
});

it('a test device runs on IndexedDB, not on the memory fallback, and keeps it across runtimes', async () => {
  const server = await createTestServer();
  const device = createTestDevice({ server, space: 's-1' });
  const first = await createTidelog({ aggregates: [Note], ...device.options() });
  expect(first.storage).toBe('indexeddb');
  expect(first.warnings).toEqual([]);
  await first.execute(Note, 'n-1', 'write', { text: 'kept' });
  await first.close();
  const again = await createTidelog({ aggregates: [Note], ...device.options() });
  expect((await again.load(Note, 'n-1')).state.text).toBe('kept');
  await again.sync.now();
  expect(again.sync.getSnapshot().pending).toBe(0);
  await again.close();
  await server.close();
});
