import { type PullResponse, parsePullQuery, validationErrorBody } from '@tidelog/protocol';
import type { Handler } from 'hono';
import { type AppEnv, addLogFields, type RouteDeps } from '../context.js';

/**
 * `GET /v1/spaces/:space/pull?after=&limit=`: one page of events, ascending by position,
 * at most `limit` events and `limits.maxPageBytes` of event JSON (always one event).
 *
 * @example
 * app.get('/v1/spaces/:space/pull', pullRoute(deps));
 */
export function pullRoute({ config, serverId }: RouteDeps): Handler<AppEnv> {
  return async (c) => {
    const query = parsePullQuery({ after: c.req.query('after'), limit: c.req.query('limit') }, config.limits);
    if (!query.ok) return c.json(validationErrorBody(query), 400);
    const page = await config.store.pull(c.get('space'), {
      ...query.value,
      maxBytes: config.limits.maxPageBytes,
    });
    addLogFields(c, { events: page.events.length });
    const response: PullResponse = {
      events: page.events,
      head: page.head,
      hasMore: page.hasMore,
      serverId: await serverId(),
    };
    return c.json(response);
  };
}
