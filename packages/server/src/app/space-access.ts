import { isStreamName } from '@tidelog/protocol';
import type { MiddlewareHandler } from 'hono';
import { type AuthFunction, bearerToken, grants } from './auth.js';
import { type AppEnv, addLogFields } from './context.js';
import { errorResponse } from './errors.js';
import type { TokenBuckets } from './rate-limit.js';

/**
 * Guard every `/v1/spaces/:space/…` route, in the protocol's order: 401 without valid
 * credentials, 429 for a token over its request rate (only tokens the auth function
 * accepted are counted, so unknown tokens cannot fill the table), 403 for a space not
 * granted, then 400 for a space name that breaks the stream-id rules (a name outside an
 * explicit grant list is already a 403).
 *
 * @example
 * app.use('/v1/spaces/:space/*', spaceAccess(tokenAuth({ t: ['team-1'] }), new TokenBuckets(), Date.now));
 */
export function spaceAccess(
  auth: AuthFunction,
  rates?: TokenBuckets,
  now: () => number = Date.now,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const grant = await auth(c.req.raw);
    if (grant === null) {
      c.header('WWW-Authenticate', 'Bearer realm="tidelog"');
      return errorResponse(c, 'UNAUTHORIZED', 'a valid bearer token is required');
    }
    const token = rates && bearerToken(c.req.raw);
    if (token !== undefined) {
      const wait = rates!.take(token, now());
      if (wait > 0) {
        return errorResponse(c, 'RATE_LIMITED', 'too many requests for this token: slow down', {
          retryAfter: Math.ceil(wait),
        });
      }
    }
    const space = c.req.param('space') ?? '';
    if (!grants(grant, space)) {
      return errorResponse(
        c,
        'FORBIDDEN',
        `this token may not use space ${JSON.stringify(space.slice(0, 200))}`,
      );
    }
    if (!isStreamName(space)) {
      return errorResponse(c, 'INVALID_REQUEST', 'the space must be 1-200 characters of [A-Za-z0-9._:@/-]', {
        issues: [{ path: 'space', message: 'must be 1-200 characters of [A-Za-z0-9._:@/-]' }],
      });
    }
    c.set('space', space);
    addLogFields(c, { space });
    return next();
  };
}
