/**
 * @module @tidelog/protocol
 * Tidelog sync protocol v1 (specified in docs/protocol.md): the request and response
 * bodies as TypeScript types, a validator for each (returning the typed value or issues
 * with precise paths; never throwing), the error codes with their HTTP statuses, and the
 * limits. The checks are hand-written (they are the server's hot path); the package's only
 * dependency is `@tidelog/core`, for types and the stream id rule.
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
export { validateOutgoingPush, validatePushPerEvent, validatePushRequest } from './push.js';
export { parsePullQuery, parseStreamReadQuery, parseSubscribeQuery, type QueryValue } from './queries.js';
export {
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
export type {
  AcceptedGroup,
  AppendEventInput,
  EventsMessage,
  HealthResponse,
  PullQuery,
  PullResponse,
  PushConflict,
  PushedEvent,
  PushRequest,
  PushResponse,
  StreamAppendRequest,
  StreamAppendResponse,
  StreamReadQuery,
  StreamReadResponse,
  SubscribeQuery,
} from './types.js';
