import type { Envelope, PositionedEnvelope } from '@tidelog/core';
import type * as v from 'valibot';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type PushedEvent,
  type PushRequest,
  type Validation,
  validatePullResponse,
  validatePushRequest,
} from './index.js';
import type { PushRequestSchema } from './test-push-valibot.js';
import type { PositionedEnvelopeSchema } from './test-valibot-schemas.js';

describe('protocol types', () => {
  it('validators narrow to the typed value', () => {
    const result = validatePushRequest({});
    if (result.ok) expectTypeOf(result.value).toEqualTypeOf<PushRequest>();
    else expectTypeOf(result.code).toEqualTypeOf<'INVALID_REQUEST' | 'PAYLOAD_TOO_LARGE'>();
    expectTypeOf(validatePullResponse).returns.toMatchTypeOf<Validation<{ events: PositionedEnvelope[] }>>();
  });

  it('pushed events are envelopes without a position, as the schemas produce', () => {
    expectTypeOf<PushedEvent>().toEqualTypeOf<Omit<Envelope, 'position'>>();
    expectTypeOf<v.InferOutput<typeof PushRequestSchema>>().toEqualTypeOf<PushRequest>();
    expectTypeOf<v.InferOutput<typeof PositionedEnvelopeSchema>>().toEqualTypeOf<PositionedEnvelope>();
  });
});
