import type { JsonObject } from '@tidelog/core';

// Ids a process manager derives instead of minting: running the same reaction twice (a
// catch-up after a crash) yields the same command id, the same event ids and the same
// dead-letter id, so the second run can tell that the first one happened.

/** Meta field naming the process manager that dispatched a command. */
export const PROCESS_FIELD = 'processManager';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** Murmur3's finaliser: every input bit flips each output bit with probability about 1/2. */
function avalanche(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * 128 bits from a string: four 32-bit lanes with their own multipliers and rotations,
 * mixed into each other at the end. Not cryptographic (nothing here is secret or
 * adversarial, and `crypto.subtle` is async and absent outside secure contexts); it only
 * has to keep distinct keys apart.
 */
function hash128(input: string): [number, number, number, number] {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = 0x85a308d3;
  for (let i = 0; i < input.length; i++) {
    const k = input.charCodeAt(i);
    a = rotl(Math.imul(a ^ k, 0xcc9e2d51), 15);
    b = rotl(Math.imul(b ^ k, 0x1b873593), 17);
    c = rotl(Math.imul(c ^ k, 0x38b34ae5), 13);
    d = rotl(Math.imul(d ^ k, 0xa1e38b93), 19);
  }
  a ^= input.length;
  a = (a + b + c + d) | 0;
  b = (b + a) | 0;
  c = (c + a) | 0;
  d = (d + a) | 0;
  a = avalanche(a);
  b = avalanche(b);
  c = avalanche(c);
  d = avalanche(d);
  a = (a + b + c + d) >>> 0;
  return [a, (b + a) >>> 0, (c + a) >>> 0, (d + a) >>> 0];
}

/**
 * A UUID shaped as a v7 whose 48-bit time field is copied from `timeOf` (another UUID v7:
 * derived ids sort near the event that caused them) and whose other bits hash `key`.
 *
 * @example
 * derivedUuid('0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b', 'shipping/…/0'); // '0190f5b8-8d5a-7…'
 */
export function derivedUuid(timeOf: string, key: string): string {
  const time = timeOf.replace(/-/g, '').slice(0, 12).toLowerCase().padEnd(12, '0');
  const bytes = new Uint8Array(10);
  const words = hash128(key);
  for (let i = 0; i < 10; i++) bytes[i] = (words[i >> 2]! >>> ((i & 3) * 8)) & 0xff;
  bytes[0] = 0x70 | (bytes[0]! & 0x0f);
  bytes[2] = 0x80 | (bytes[2]! & 0x3f);
  let rest = '';
  for (const byte of bytes) rest += HEX[byte];
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-${rest.slice(0, 4)}-${rest.slice(4, 8)}-${rest.slice(8, 20)}`;
}

/**
 * The command id of the `index`-th dispatch of process manager `pm` reacting to `eventId`.
 *
 * @example
 * const commandId = dispatchCommandId('shipping', event.id, 0);
 */
export function dispatchCommandId(pm: string, eventId: string, index: number): string {
  return derivedUuid(eventId, `dispatch\u0000${pm}\u0000${eventId}\u0000${index}`);
}

/**
 * The dead-letter id of process manager `pm`'s handler failing on `eventId` (a failing
 * dispatch's letter takes the dispatch's command id instead).
 *
 * @example
 * const id = handlerLetterId('shipping', event.id);
 */
export function handlerLetterId(pm: string, eventId: string): string {
  return derivedUuid(eventId, `handler\u0000${pm}\u0000${eventId}`);
}

/**
 * The id of the `index`-th event of a process manager's command: derived from the command
 * id, so a command that ran has a first event anyone can look up (`store.getEvent`), and a
 * rebase or a retry of it writes the same ids again.
 *
 * @example
 * const firstId = processEventId(commandId, 0);
 */
export function processEventId(commandId: string, index: number): string {
  return derivedUuid(commandId, `event\u0000${commandId}\u0000${index}`);
}

/**
 * True for a command a process manager dispatched (its metadata names one): its event ids
 * are derived with `processEventId` rather than minted.
 *
 * @example
 * if (isProcessCommand(ctx.metadata)) id = processEventId(ctx.commandId, i);
 */
export function isProcessCommand(metadata: JsonObject): boolean {
  return typeof metadata[PROCESS_FIELD] === 'string';
}
