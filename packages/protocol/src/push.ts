import { checkPushedEvent } from './event-check.js';
import { checkBody, IssueList, invalid, tooMany, type Validation } from './issues.js';
import { isEscapeFree, type JsonSource } from './json.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { fastPushEvents } from './push-fast.js';
import { checkPushGroups } from './push-groups.js';
import { isName, MESSAGES } from './rules.js';
import type { PushedEvent, PushRequest } from './types.js';

/**
 * Validate a `POST /v1/spaces/:space/push` body (already JSON-parsed): the shape of every
 * envelope, contiguous ascending versions per stream, unique ids, and the event count
 * (more than `limits.maxEventsPerPush` is `PAYLOAD_TOO_LARGE`). Hand-written because it is
 * the server's hot path (see event-check.ts); never throws.
 *
 * `source.json`, when given, must be the exact text `input` was parsed from
 * (`JSON.parse(source.json)`, no reviver): when that text holds no backslash and no DEL
 * character, no string in it can hold a control character (the JSON grammar refuses them
 * unescaped), so the quick pass skips the per-character scan of names; objects need no prototype check; and
 * an event with exactly the envelope's fields is returned as is instead of copied. The
 * result is equal with or without it. Do not pass it for input that went through a
 * reviver or was changed after parsing (a `Date` put in `data` would then pass).
 *
 * @example
 * const result = validatePushRequest(JSON.parse(body));
 * if (result.ok) await store.push(space, result.value.events);
 * else console.log(result.code, result.issues); // 'INVALID_REQUEST', [{ path: 'events[3].meta.timestamp', … }]
 */
export function validatePushRequest(
  input: unknown,
  limits: Pick<ProtocolLimits, 'maxEventsPerPush'> = DEFAULT_LIMITS,
  source?: JsonSource,
): Validation<PushRequest> {
  const json = source?.json;
  const escapeFree = json !== undefined && isEscapeFree(json);
  return checkPush(input, limits, checkPushGroups, (events) =>
    fastPushEvents(events, escapeFree, json !== undefined),
  );
}

/**
 * `validatePushRequest` without its quick pass, for a client checking the few events of a
 * command before it stores them: the same answer for every input (the reporting pass
 * decides either way), in less code to ship, at a cost only a server's push throughput
 * would notice.
 *
 * @example
 * const result = validateOutgoingPush({ clientId, events: [envelope] });
 * if (!result.ok) console.log(result.issues[0]); // { path: 'events[0].type', message: '…' }
 */
export function validateOutgoingPush(
  input: unknown,
  limits: Pick<ProtocolLimits, 'maxEventsPerPush'> = DEFAULT_LIMITS,
): Validation<PushRequest> {
  return checkPush(input, limits, checkPushGroups);
}

/**
 * `validateOutgoingPush` without the checks across events (unique ids, contiguous versions
 * per stream: push-groups.ts): the body, its `clientId`, the event count and each event on
 * its own, by the same code. For a client checking the events of one command, which it
 * built itself with contiguous versions and ids of their own, so that the code of the
 * checks across events need not ship to it.
 *
 * @example
 * const result = validatePushPerEvent({ clientId, events: [envelope] });
 * if (!result.ok) console.log(result.issues[0]); // { path: 'events[0].type', message: '…' }
 */
export const validatePushPerEvent: (
  input: unknown,
  limits?: Pick<ProtocolLimits, 'maxEventsPerPush'>,
) => Validation<PushRequest> = checkPush; // typed without its internal parameters: no wrapper to ship

/**
 * Every push validator: the quick pass (if any) first, then the reporting pass, each event
 * on its own and then, once all are sound, `acrossEvents` (if any).
 */
function checkPush(
  input: unknown,
  limits: Pick<ProtocolLimits, 'maxEventsPerPush'> = DEFAULT_LIMITS,
  acrossEvents?: (events: readonly PushedEvent[], issues: IssueList) => void,
  quickPass?: (events: readonly unknown[]) => PushedEvent[] | undefined,
): Validation<PushRequest> {
  return checkBody(input, ({ clientId, events }) => {
    const issues = new IssueList();
    if (!isName(clientId)) issues.add('clientId', clientId === undefined ? 'is required' : MESSAGES.name);
    if (!Array.isArray(events)) {
      issues.add('events', events === undefined ? 'is required' : 'must be an array');
      return invalid(issues.result());
    }
    if (events.length > limits.maxEventsPerPush) return tooMany(events.length, limits.maxEventsPerPush);
    if (issues.empty && quickPass) {
      // The usual push passes the quick pass; anything else is judged (and reported) below.
      const quick = quickPass(events);
      if (quick) return { ok: true, value: { clientId: clientId as string, events: quick } };
    }
    const checked: PushedEvent[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = checkPushedEvent(events[i], i, issues);
      if (event) checked.push(event);
    }
    // The checks across events only make sense once every event is sound.
    if (issues.empty) acrossEvents?.(checked, issues);
    if (!issues.empty) return invalid(issues.result());
    return { ok: true, value: { clientId: clientId as string, events: checked } };
  });
}
