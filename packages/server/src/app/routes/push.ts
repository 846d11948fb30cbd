import { ERROR_STATUS, type PushResponse, validationErrorBody } from '@tidelog/protocol';
import type { Handler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PushOutcome } from '../../store/types.js';
import { readJson } from '../body.js';
import { type AppEnv, addLogFields, type RouteDeps } from '../context.js';

/**
 * `POST /v1/spaces/:space/push` (after auth and the body checks): validate the whole body
 * before the store sees any of it, so a rejected push changes nothing; then one
 * `store.push`, whose groups are accepted or rejected whole.
 *
 * @example
 * app.post('/v1/spaces/:space/push', ...jsonBody(limits.maxPushBytes), pushRoute(deps));
 */
export function pushRoute({ config, metrics, serverId }: RouteDeps): Handler<AppEnv> {
  return async (c) => {
    const body = await readJson(c);
    if (body.response) return body.response;
    const result = config.pushValidator(body.value, config.limits, { json: body.text });
    if (!result.ok) {
      addLogFields(c, { code: result.code });
      return c.json(validationErrorBody(result), ERROR_STATUS[result.code] as ContentfulStatusCode);
    }
    const space = c.get('space');
    const { events, clientId } = result.value;
    const outcome: PushOutcome =
      events.length === 0
        ? { accepted: [], duplicates: [], conflicts: [], head: await config.store.head(space) }
        : await config.store.push(space, events);
    const accepted = outcome.accepted.reduce((n, g) => n + g.toVersion - g.fromVersion + 1, 0);
    metrics.pushes++;
    metrics.eventsAccepted += accepted;
    metrics.conflicts += outcome.conflicts.length;
    metrics.duplicates += outcome.duplicates.length;
    addLogFields(c, {
      clientId,
      events: events.length,
      accepted,
      duplicates: outcome.duplicates.length,
      conflicts: outcome.conflicts.length,
    });
    const response: PushResponse = {
      accepted: outcome.accepted,
      duplicates: outcome.duplicates,
      conflicts: outcome.conflicts,
      head: outcome.head,
      serverId: await serverId(),
    };
    return c.json(response);
  };
}
