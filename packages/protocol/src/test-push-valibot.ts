import * as v from 'valibot';
import { IssueList, invalid, tooMany, type Validation } from './issues.js';
import { isPlainObject } from './json.js';
import { DEFAULT_LIMITS, type ProtocolLimits } from './limits.js';
import { checkPushGroups } from './push-groups.js';
import { fromValibotIssues, NameSchema, objectOf, PushedEventSchema } from './test-valibot-schemas.js';
import type { PushRequest } from './types.js';

/** The push request body as a valibot schema (shape only; see `validatePushRequestValibot`). */
export const PushRequestSchema = objectOf(
  v.object({ clientId: NameSchema, events: v.array(PushedEventSchema, 'must be an array') }),
) as unknown as v.GenericSchema<unknown, PushRequest>;

/**
 * Validate a push body with the valibot schemas: the same rules and results as
 * `validatePushRequest`, kept for the tests that check the two agree and for the benchmark
 * that decides which one the server uses (bench/protocol-validate.bench.ts). Not shipped.
 *
 * @example
 * const result = validatePushRequestValibot(JSON.parse(body));
 * if (!result.ok) console.log(result.issues);
 */
export function validatePushRequestValibot(
  input: unknown,
  limits: Pick<ProtocolLimits, 'maxEventsPerPush'> = DEFAULT_LIMITS,
): Validation<PushRequest> {
  try {
    if (
      isPlainObject(input) &&
      Array.isArray(input.events) &&
      input.events.length > limits.maxEventsPerPush
    ) {
      return tooMany(input.events.length, limits.maxEventsPerPush);
    }
    const parsed = v.safeParse(PushRequestSchema, input, { abortEarly: false });
    if (!parsed.success) return invalid(fromValibotIssues(parsed.issues).result());
    const issues = new IssueList();
    checkPushGroups(parsed.output.events, issues);
    return issues.empty ? { ok: true, value: parsed.output } : invalid(issues.result());
  } catch (error) {
    return invalid([{ path: '', message: `could not be read: ${String(error)}` }]);
  }
}
