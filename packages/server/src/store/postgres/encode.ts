import type { PositionedEnvelope } from '@tidelog/core';

/**
 * One push planned at head 0 (its rows at positions 1, 2, … in order), encoded for
 * `append_batch` (see append-sql.ts): each column as the elements of a PostgreSQL array
 * literal, without the braces, so a group's arrays are these joined with commas.
 */
export interface EncodedPush {
  count: number;
  ids: string;
  streamIds: string;
  versions: string;
  types: string;
  schemaVersions: string;
  data: string;
  meta: string;
}

/** The parameters of one `append_batch` call, in its order after the space. */
export type EncodedGroup = [
  counts: string,
  ids: string,
  streamIds: string,
  versions: string,
  types: string,
  schemaVersions: string,
  data: string,
  meta: string,
];

/** An element of an array literal: quoted, with `"` and `\` escaped. */
const quote = (text: string): string =>
  `"${(text.includes('\\') ? text.replaceAll('\\', '\\\\') : text).replaceAll('"', '\\"')}"`;

/**
 * The elements of an array literal holding each value's JSON text. JSON.stringify of a
 * string array quotes and escapes `"` and `\` exactly as an array literal needs, and JSON
 * text holds no other character it would escape (no control character, no lone
 * surrogate: JSON.stringify wrote them as escapes), so one native call does it all.
 */
const jsonElements = (values: unknown[]): string => {
  const texts = values.map((value) => JSON.stringify(value));
  return JSON.stringify(texts).slice(1, -1);
};

/**
 * Encode a push's planned rows. Throws what `JSON.stringify` throws (a BigInt in data), so
 * that push fails alone, before it joins a group.
 *
 * @example
 * const encoded = encodePush(plan.append);
 */
export function encodePush(append: readonly PositionedEnvelope[]): EncodedPush {
  const ids: string[] = [];
  const streamIds: string[] = [];
  const versions: number[] = [];
  const types: string[] = [];
  const schemaVersions: number[] = [];
  for (const e of append) {
    ids.push(quote(e.id));
    streamIds.push(quote(e.streamId));
    versions.push(e.version);
    types.push(quote(e.type));
    schemaVersions.push(e.schemaVersion);
  }
  return {
    count: append.length,
    ids: ids.join(','),
    streamIds: streamIds.join(','),
    versions: versions.join(','),
    types: types.join(','),
    schemaVersions: schemaVersions.join(','),
    // json, not text: a `\u0000` escape stays as written (json keeps its text verbatim).
    data: jsonElements(append.map((e) => e.data)),
    meta: jsonElements(append.map((e) => e.meta)),
  };
}

/**
 * The arrays of a group of pushes, in the group's order.
 *
 * @example
 * const [counts, ids] = encodeGroup([encodePush(a.append), encodePush(b.append)]);
 */
export function encodeGroup(pushes: readonly EncodedPush[]): EncodedGroup {
  const array = (column: (p: EncodedPush) => string | number) =>
    `{${pushes
      .filter((p) => p.count > 0)
      .map(column)
      .join(',')}}`;
  return [
    `{${pushes.map((p) => p.count).join(',')}}`,
    array((p) => p.ids),
    array((p) => p.streamIds),
    array((p) => p.versions),
    array((p) => p.types),
    array((p) => p.schemaVersions),
    array((p) => p.data),
    array((p) => p.meta),
  ];
}
