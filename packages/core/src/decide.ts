import type { AnyAggregate, CommandContext, CommandName, PayloadOf, StateOf } from './aggregate.js';
import { UnknownCommandError, UnknownEventError, ValidationError, type ValidationIssue } from './errors.js';
import { jsonIssues } from './json-check.js';
import type { StandardSchemaV1 } from './standard-schema.js';
import type { AppendEvent, JsonObject } from './types.js';
import { currentSchemaVersion } from './upcast.js';

type DecideHandler = (state: unknown, payload: unknown, ctx: CommandContext) => unknown;

/**
 * Run an aggregate's decide handler and check what it returns: known event types, plain
 * JSON object data, and each event type's Standard Schema when one is declared (its output
 * becomes the data). Throws the handler's own errors, `UnknownCommandError`,
 * `UnknownEventError` or `ValidationError`; writes nothing.
 *
 * @example
 * const events = await decide(Counter, state, 'increment', { by: 1 }, ctx);
 */
export async function decide<A extends AnyAggregate, K extends CommandName<A>>(
  aggregate: A,
  state: StateOf<A>,
  command: K,
  payload: PayloadOf<A, K>,
  ctx: CommandContext,
): Promise<AppendEvent[]> {
  const commands = aggregate.commands as Record<string, DecideHandler | undefined>;
  const handler = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (typeof handler !== 'function') throw new UnknownCommandError(aggregate.type, command);
  const out = handler(state, payload, ctx);
  const many = Array.isArray(out);
  const events: AppendEvent[] = [];
  for (const [i, raw] of (many ? (out as unknown[]) : [out]).entries()) {
    const at = many ? `events[${i}]` : 'event';
    if (raw === null || typeof raw !== 'object') {
      throw new ValidationError(`command "${command}" returned something that is not an event`, [
        { path: at, message: 'expected { type, data }' },
      ]);
    }
    const { type, data } = raw as { type?: unknown; data?: unknown };
    if (typeof type !== 'string' || !Object.hasOwn(aggregate.events, type)) {
      throw new UnknownEventError(aggregate.type, String(type));
    }
    const checked = await checkData(aggregate.schemas[type], data, `${at}.data`, type);
    events.push({ type, data: checked, schemaVersion: currentSchemaVersion(aggregate.upcasters, type) });
  }
  return events;
}

async function checkData(
  schema: StandardSchemaV1 | undefined,
  data: unknown,
  path: string,
  type: string,
): Promise<JsonObject> {
  let value = data;
  if (schema) {
    const result = await schema['~standard'].validate(data);
    if (result.issues) {
      const issues: ValidationIssue[] = result.issues.map((issue) => ({
        path: [path, ...(issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p))].join('.'),
        message: issue.message,
      }));
      throw new ValidationError(`invalid data for event "${type}": ${issues[0]?.message ?? ''}`, issues);
    }
    value = result.value;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError(`data of event "${type}" must be a JSON object`, [
      { path, message: 'must be a JSON object' },
    ]);
  }
  const issues = jsonIssues(value, path);
  if (issues.length > 0) throw new ValidationError(`data of event "${type}" is not plain JSON`, issues);
  return value as JsonObject;
}
