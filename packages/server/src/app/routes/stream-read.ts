import { parseStreamReadQuery, type StreamReadResponse, validationErrorBody } from '@tidelog/protocol';
import type { Handler } from 'hono';
import type { AppEnv, RouteDeps } from '../context.js';
import { streamIdParam } from './stream-id.js';

/**
 * `GET /v1/spaces/:space/streams/:streamId?from=&limit=`: one page of a stream's events
 * from a version (paged as pull: `limit`, the byte budget, `hasMore`), and its current
 * version (0 and no events for a stream nobody wrote to).
 *
 * @example
 * app.get('/v1/spaces/:space/streams/:streamId', streamReadRoute(deps));
 */
export function streamReadRoute({ config }: RouteDeps): Handler<AppEnv> {
  return async (c) => {
    const streamId = streamIdParam(c);
    if (streamId.response) return streamId.response;
    const query = parseStreamReadQuery(
      { from: c.req.query('from'), limit: c.req.query('limit') },
      config.limits,
    );
    if (!query.ok) return c.json(validationErrorBody(query), 400);
    const read = await config.store.readStream(c.get('space'), streamId.value, {
      fromVersion: query.value.from,
      limit: query.value.limit,
      maxBytes: config.limits.maxPageBytes,
    });
    const response: StreamReadResponse = {
      events: read.events,
      version: read.version,
      hasMore: read.hasMore,
    };
    return c.json(response);
  };
}
