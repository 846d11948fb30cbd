import { afterAll, describe, it } from 'vitest';
import { expectQueueBound } from '../conformance/index.js';
import { createPostgresServerStore } from './store.js';
import { TEST_DATABASE_URL, testSchemas } from './test-database.js';

const schemas = testSchemas();
afterAll(schemas.dropAll);

describe('postgres store: the push queue is bounded', () => {
  it('refuses pushes past maxPushes with UNAVAILABLE and stores the others once', async () => {
    const store = await createPostgresServerStore({
      url: TEST_DATABASE_URL,
      schema: schemas.fresh(),
      queue: { maxPushes: 4 },
    });
    try {
      await expectQueueBound(store, 'team', 4);
    } finally {
      await store.close();
    }
  });
});
