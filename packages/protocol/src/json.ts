import {
  isPlainObject,
  isWellFormed,
  type JsonIssueSink,
  MAX_JSON_DEPTH,
  walkJson,
} from '@tidelog/core/store-kit';

export { isPlainObject, type JsonIssueSink };

/** Where a validator's input came from, when the caller knows (see `validatePushRequest`). */
export interface JsonSource {
  /**
   * The exact JSON text the input was parsed from, by `JSON.parse` without a reviver, as
   * decoded from UTF-8 (so well-formed: a lone surrogate can only come from a `\u`
   * escape): the validator then trusts every object in the input to be plain data.
   */
  json?: string;
}

/**
 * True when JSON text holds no backslash and no DEL (U+007F): then no string parsed from
 * it holds a control character, since JSON allows U+0000–U+001F in strings only escaped.
 * Two native scans of the text, far cheaper than checking each string by hand.
 *
 * @example
 * isEscapeFree('{"type":"ItemAdded"}'); // true
 * isEscapeFree('{"type":"Item\\nAdded"}'); // false
 */
export function isEscapeFree(json: string): boolean {
  return json.indexOf('\\') === -1 && json.indexOf('\x7f') === -1;
}

/**
 * Check that `value` is a plain JSON object whose every nested value is JSON: strings,
 * finite numbers (JSON.parse turns `1e400` into Infinity, which would be stored as
 * `null`), booleans, null, arrays and plain objects, at most `MAX_JSON_DEPTH` deep, every
 * string and key well-formed Unicode (no lone surrogate), with
 * no `__proto__` or `constructor` key anywhere (FORBIDDEN_KEYS, inlined below: an
 * `includes` per key is measurable on the push path). With `report`, every problem is
 * reported with its path (`reportJsonObject`); without, the answer comes at the first
 * problem and no path is kept (the push quick pass asks only "valid?").
 *
 * @example
 * const problems: string[] = [];
 * checkJsonObject({ a: [1, Infinity] }, (path, message) => problems.push(`${path.join('.')}: ${message}`));
 * problems; // ['a.1: must be a finite number']
 */
export function checkJsonObject(value: unknown, report?: JsonIssueSink): boolean {
  if (report) return reportJsonObject(value, report);
  return isPlainObject(value) && isJsonIn(value, 0, false, false);
}

/**
 * `checkJsonObject` with a reporter: one walk that answers and reports every problem with
 * its path. The reporting validators (event-check.ts) use only this walk, so a bundle
 * without the server's push quick pass (a client's) ships one JSON walker, not two.
 *
 * @example
 * reportJsonObject({ a: Infinity }, (path, message) => console.log(path, message)); // ['a'] 'must be a finite number'
 */
export function reportJsonObject(value: unknown, report: JsonIssueSink): boolean {
  if (!isPlainObject(value)) {
    report([], 'must be a JSON object');
    return false;
  }
  return walkJson(value, [], 0, report);
}

/**
 * `checkJsonObject` without a reporter, for a value `JSON.parse` made (no reviver): every
 * object it makes is a plain `{}` or an array, so no prototype needs checking; finite
 * numbers, depth and forbidden keys are checked as `checkJsonObject` checks them, and
 * strings too unless `wellFormed` says the text had no escape (see `isEscapeFree`).
 *
 * @example
 * isParsedJsonObject(JSON.parse('{"a":[1,2]}')); // true
 * isParsedJsonObject(JSON.parse('{"a":1e400}')); // false (Infinity)
 */
export function isParsedJsonObject(value: unknown, wellFormed = false): value is Record<string, unknown> {
  return isParsedObject(value) && isJsonIn(value, 0, true, wellFormed);
}

/** `isPlainObject` for a value `JSON.parse` made: an object that is not an array. */
export function isParsedObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The fast yes/no walk of one value at `depth`. `parsed`: `JSON.parse` made it, so its
 * objects need no prototype check. `wellFormed`: its strings are known to hold no lone
 * surrogate, so they need no scan.
 */
export function isJsonValue(value: unknown, depth: number, parsed: boolean, wellFormed = false): boolean {
  switch (typeof value) {
    case 'string':
      return wellFormed || isWellFormed(value);
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      return value === null || isJsonIn(value, depth, parsed, wellFormed);
    default:
      return false;
  }
}

/** `isJsonValue` for an object or array (not null). */
function isJsonIn(container: object, depth: number, parsed: boolean, wellFormed: boolean): boolean {
  if (depth >= MAX_JSON_DEPTH) return false;
  if (Array.isArray(container)) {
    for (let i = 0; i < container.length; i++)
      if (!isJsonValue(container[i], depth + 1, parsed, wellFormed)) return false;
    return true;
  }
  if (!parsed && !isPlainObject(container)) return false;
  // for-in allocates no key array; a plain object inherits no enumerable keys (and if
  // Object.prototype were polluted, checking one more value would be harmless).
  for (const key in container) {
    if (key === '__proto__' || key === 'constructor') return false;
    if (!wellFormed && !isWellFormed(key)) return false;
    if (!isJsonValue((container as Record<string, unknown>)[key], depth + 1, parsed, wellFormed))
      return false;
  }
  return true;
}
