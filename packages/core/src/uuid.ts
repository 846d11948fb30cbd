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
const POOL_IDS = 256;
const pool = new Uint8Array(16 * POOL_IDS);
let poolOffset = pool.length;

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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
  const bytes = pool.slice(poolOffset, poolOffset + 16);
  poolOffset += 16;
  let ms = now;
  if (ms <= lastMs) {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      // Counter exhausted within one millisecond: borrow the next millisecond.
      ms = ++lastMs;
      counter = 0;
    }
  } else {
    lastMs = ms;
    counter = (bytes[6]! & 0x07) << 8; // start low in the counter space, leave room to grow
  }
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | ((counter >> 8) & 0x0f);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out += HEX[bytes[i]!];
    if (i === 3 || i === 5 || i === 7 || i === 9) out += '-';
  }
  return out;
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
