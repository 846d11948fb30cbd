/**
 * UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort by
 * creation time. A local implementation keeps @tidelog/core free of dependencies
 * beyond immer; randomness comes from the platform's `crypto.getRandomValues`
 * (browsers, Node ≥ 19, workerd). Ids minted in the same millisecond on one device
 * stay ordered: the 12-bit `rand_a` field is used as a counter (RFC 9562 §6.2, method 1).
 */
let lastMs = -1;
let counter = 0;

// One `getRandomValues` call per id cost about a third of a command's CPU in Chromium:
// draw the random bytes from a pool refilled 256 ids at a time instead. Ids are keys,
// not secrets; the pool is per realm (page, worker) and never handed out twice.
const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;

/** Each byte as two hex digits (256 + i has three: drop the leading 1). */
const HEX: string[] = Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1));

/**
 * Mint a UUIDv7.
 *
 * @example
 * const id = uuidv7(); // '01933b8e-7c2a-7d41-9f0e-3a5c2b1d4e6f'
 */
export function uuidv7(now: number = Date.now()): string {
  if (poolOffset === pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  // biome-ignore lint/suspicious/noAssignInExpressions: take the next 16 bytes, move past them
  const bytes = pool.slice(poolOffset, (poolOffset += 16));
  if (now > lastMs) {
    lastMs = now;
    counter = (bytes[6]! & 0x07) << 8; // start low in the counter space, leave room to grow
  } else if (++counter > 0xfff) {
    // Counter exhausted within one millisecond: borrow the next millisecond.
    lastMs++;
    counter = 0;
  }
  // The id's time is lastMs (`now`, or later when the clock went back or the counter ran
  // out), big-endian in bytes 0-5: dividing by 256 is exact, and the Uint8Array keeps the
  // low 8 bits of the integer part (faster than Math.floor or 2 ** n).
  for (let i = 5, ms = lastMs; i >= 0; i--, ms /= 256) bytes[i] = ms;
  bytes[6] = 0x70 | (counter >> 8); // the counter never exceeds 0xfff
  bytes[7] = counter; // its low 8 bits
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return format(bytes);
}

/** 16 bytes as a lowercase UUID string. */
function format(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += HEX[bytes[i]!];
    if ((0x2a8 >> i) & 1) out += '-'; // after bytes 3, 5, 7 and 9 (bits 3, 5, 7, 9 of 0x2a8)
  }
  return out;
}

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** Murmur3's finaliser: every input bit flips each output bit with probability about 1/2. */
function avalanche(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * 128 bits from a string: four 32-bit lanes with their own multipliers and rotations,
 * mixed into each other at the end; the first three words of the result are returned, as
 * `derivedUuid` takes 80 bits. Not cryptographic (nothing here is secret or
 * adversarial, and `crypto.subtle` is async and absent outside secure contexts); it only
 * has to keep distinct keys apart.
 */
function hash128(input: string): [number, number, number] {
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
  // No `| 0` or `>>> 0` on the sums below: they stay exact (under 2^35), and every reader
  // of them (the shifts in `avalanche` and `derivedUuid`) takes them modulo 2^32 anyway.
  a = (a ^ input.length) + b + c + d;
  b = avalanche(b + a);
  c = avalanche(c + a);
  a = avalanche(a) + b + c + avalanche(d + a);
  return [a, b + a, c + a];
}

/**
 * A deterministic id: a UUID shaped as a v7 whose 48-bit time field is copied from
 * `timeOf` (another UUID v7, so derived ids sort near the id they come from) and whose
 * other bits hash `key`. The same inputs give the same id on every device and in every
 * release: a command decided again (a rebase, a retry) gets the event ids it had.
 *
 * @example
 * derivedUuid('0190f5b8-8d5a-7c3e-9a1b-2c3d4e5f6a7b', 'event/0'); // '0190f5b8-8d5a-7…'
 */
export function derivedUuid(timeOf: string, key: string): string {
  const time = timeOf.replace(/-/g, '').padEnd(12, '0');
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 6; i++) bytes[i] = Number.parseInt(time.slice(2 * i, 2 * i + 2), 16);
  const words = hash128(key);
  // A Uint8Array keeps the low 8 bits of what it is given.
  for (let i = 0; i < 10; i++) bytes[6 + i] = words[i >> 2]! >>> ((i & 3) * 8);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  return format(bytes);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for any RFC 9562 UUID string (any version), the form event ids must take.
 *
 * @example
 * isUuid(uuidv7()); // true
 * isUuid('not-an-id'); // false
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}
