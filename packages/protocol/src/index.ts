/**
 * @module @tidelog/protocol
 * Tidelog sync protocol v1 (DESIGN.md "Sync protocol v1"): the request and response
 * bodies as TypeScript types, a validator for each (returning the typed value or issues
 * with precise paths; never throwing), the error codes with their HTTP statuses, and the
 * limits. The per-event checks are hand-written (they are the server's hot path); the
 * same rules are also exported as valibot schemas for composition.
 */
export { validateStreamAppendRequest } from './append.js';
export {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorStatus,
  errorBody,
  isErrorCode,
  validationErrorBody,
} from './error-codes.js';
export {
  formatPath,
  type PathSegment,
  type Validation,
  type ValidationCode,
  type ValidationIssue,
} from './issues.js';
export { checkJsonObject, isEscapeFree, isPlainObject, type JsonSource } from './json.js';
export {
  DEFAULT_LIMITS,
  FORBIDDEN_KEYS,
  MAX_ISSUES,
  MAX_JSON_DEPTH,
  MAX_NAME_LENGTH,
  MAX_VERSION,
  type ProtocolLimits,
  resolveLimits,
} from './limits.js';
export { validatePushRequest } from './push.js';
export { PushRequestSchema, validatePushRequestValibot } from './push-valibot.js';
export { parsePullQuery, parseStreamReadQuery, parseSubscribeQuery, type QueryValue } from './queries.js';
export {
  ErrorBodySchema,
  PushResponseSchema,
  StreamAppendResponseSchema,
  validateErrorBody,
  validateEventsMessage,
  validatePullResponse,
  validatePushResponse,
  validateStreamAppendResponse,
  validateStreamReadResponse,
} from './responses.js';
export {
  isEventId,
  isName,
  isPosition,
  isStreamName,
  isTimestamp,
  isVersion,
  isWellFormed,
} from './rules.js';
export {
  EventDataSchema,
  EventIdSchema,
  EventMetaSchema,
  NameSchema,
  PartialEventMetaSchema,
  PositionedEnvelopeSchema,
  PushedEventSchema,
  StreamIdSchema,
  TimestampSchema,
  VersionSchema,
} from './schemas.js';
export type * from './types.js';
