import { hasErrorCode } from '@tidelog/core';
import { ERROR_STATUS, validateStreamAppendRequest, validationErrorBody } from '@tidelog/protocol';
import type { Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { appendToStream } from '../append-to-stream.js';
import { readJson } from '../body.js';
import { type AppEnv, addLogFields, type RouteDeps } from '../context.js';
import { streamIdParam } from './stream-id.js';

/**
 * `POST /v1/spaces/:space/streams/:streamId` (after auth and the body checks): append for
 * server-side producers. A `VERSION_CONFLICT` thrown by `appendToStream` becomes the 409
 * body (with streamId, expectedVersion and actualVersion in details) in `app.onError`.
 *
 * @example
 * app.post('/v1/spaces/:space/streams/:streamId', ...jsonBody(limits.maxPushBytes), streamAppendRoute(deps));
 */
export function streamAppendRoute({ config, metrics }: RouteDeps): Handler<AppEnv> {
  return async (c) => {
    const streamId = streamIdParam(c);
    if (streamId.response) return streamId.response;
    const body = await readJson(c);
    if (body.response) return body.response;
    const result = validateStreamAppendRequest(body.value, config.limits);
    if (!result.ok)
      return c.json(validationErrorBody(result), ERROR_STATUS[result.code] as ContentfulStatusCode);
    try {
      const span = await appendToStream(
        {
          store: config.store,
          space: c.get('space'),
          streamId: streamId.value,
          now: config.now(),
          clientId: config.producerClientId,
        },
        result.value,
      );
      metrics.appends++;
      metrics.eventsAccepted += span.toVersion - span.fromVersion + 1;
      addLogFields(c, { streamId: streamId.value, events: result.value.events.length });
      return c.json(span);
    } catch (error) {
      if (hasErrorCode(error, 'VERSION_CONFLICT') || hasErrorCode(error, 'DUPLICATE_EVENT'))
        metrics.conflicts++;
      throw error;
    }
  };
}
