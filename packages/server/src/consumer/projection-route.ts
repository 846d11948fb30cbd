import type { AnyProjection } from '@tidelog/core';
import type { SyncServer } from '../app/create-sync-server.js';
import { errorResponse } from '../app/errors.js';
import { readServerProjection } from './projection.js';
import type { ConsumerStore } from './types.js';

/**
 * Serve server projections' stored state at `GET /v1/spaces/:space/projections/:name`
 * → `200 { "name", "state", "checkpoint" }`, behind the sync server's own auth (a token
 * reads the projections of the spaces it may use); an unknown name is a 404 `NOT_FOUND`.
 *
 * @example
 * const app = createSyncServer({ store, auth });
 * serveProjections(app, { consumers, projections: [Totals] });
 */
export function serveProjections(
  app: SyncServer,
  { consumers, projections }: { consumers: ConsumerStore<unknown>; projections: readonly AnyProjection[] },
): void {
  const byName = new Map(projections.map((p) => [p.name, p]));
  app.get('/v1/spaces/:space/projections/:name', async (c) => {
    const name = c.req.param('name');
    const projection = byName.get(name);
    if (!projection)
      return errorResponse(c, 'NOT_FOUND', `no projection named ${JSON.stringify(name.slice(0, 200))}`);
    const { state, checkpoint } = await readServerProjection(consumers, projection, c.get('space'));
    return c.json({ name, state, checkpoint });
  });
}
