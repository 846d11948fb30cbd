import { isStreamName } from '@tidelog/protocol';
import type { Context } from 'hono';
import type { AppEnv } from '../context.js';
import { errorResponse } from '../errors.js';

/**
 * The checked `:streamId` of a stream route (a `/` in it arrives percent-encoded, `%2F`).
 *
 * @example
 * const streamId = streamIdParam(c);
 * if (streamId.response) return streamId.response;
 */
export function streamIdParam(
  c: Context<AppEnv>,
): { value: string; response?: undefined } | { response: Response } {
  const value = c.req.param('streamId') ?? '';
  if (isStreamName(value)) return { value };
  const message = 'must be 1-200 characters of [A-Za-z0-9._:@/-]';
  return {
    response: errorResponse(c, 'INVALID_REQUEST', `streamId ${message}`, {
      issues: [{ path: 'streamId', message }],
    }),
  };
}
