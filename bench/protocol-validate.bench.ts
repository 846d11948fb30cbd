import { uuidv7 } from '@tidelog/core';
import {
  type PushRequest,
  type Validation,
  validatePushRequest,
  validatePushRequestValibot,
} from '@tidelog/protocol';
import { createMemoryServerStore, createSyncServer, type PushValidator } from '@tidelog/server';
import type { BenchOutcome } from './lib/report.js';

/**
 * Does push-body validation cost more than 10 % of the server's push throughput?
 * Each variant runs the same 100-event push bodies through the real Hono app
 * (`app.request`, memory store: JSON parse, validation, store push, JSON answer):
 * hand-written validation (what the server ships), valibot, and none (the raw baseline).
 * Variants alternate over several rounds; the median round counts.
 */

const EVENTS_PER_PUSH = 100;
const PUSHES_PER_ROUND = 200;
const ROUNDS = 7;

function body(round: number, push: number): string {
  const events = Array.from({ length: EVENTS_PER_PUSH }, (_, i) => ({
    id: uuidv7(),
    streamId: `cart-${round}-${push}-${i % 10}`,
    version: 1 + Math.floor(i / 10),
    type: 'ItemAdded',
    schemaVersion: 1,
    data: {
      sku: `sku-${i}`,
      qty: (i % 5) + 1,
      price: 12.5,
      tags: ['a', 'b'],
      options: { gift: i % 2 === 0 },
    },
    meta: { timestamp: new Date().toISOString(), clientId: 'device-1', commandId: uuidv7() },
  }));
  return JSON.stringify({ clientId: 'device-1', events });
}

const none: PushValidator = (input) => ({ ok: true, value: input as PushRequest }) as Validation<PushRequest>;

const variants: Record<string, PushValidator> = {
  hand: validatePushRequest,
  valibot: validatePushRequestValibot,
  none,
};

async function round(validator: PushValidator, bodies: string[]): Promise<number> {
  const app = createSyncServer({ store: createMemoryServerStore(), pushValidator: validator });
  const started = performance.now();
  for (const text of bodies) {
    const res = await app.request('/v1/spaces/bench/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
    });
    if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  }
  return bodies.length / ((performance.now() - started) / 1000);
}

/** Validation alone, per 100-event body, on parsed bodies. */
function validationMicros(validator: PushValidator, parsed: unknown[]): number {
  const limits = { maxEventsPerPush: 1000, maxPushBytes: 1 << 20, defaultPullLimit: 500, maxPullLimit: 5000 };
  const started = performance.now();
  for (const input of parsed) if (!validator(input, limits).ok) throw new Error('invalid bench body');
  return ((performance.now() - started) * 1000) / parsed.length;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function run(): Promise<BenchOutcome> {
  const results: Record<string, number[]> = { hand: [], valibot: [], none: [] };
  // Warm up every path once, then alternate so drift hits all variants alike.
  for (const [name, validator] of Object.entries(variants)) {
    await round(
      validator,
      Array.from({ length: 50 }, (_, p) => body(-1, p)),
    );
    validationMicros(validator, [JSON.parse(body(-2, 0))]);
    void name;
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, validator] of Object.entries(variants)) {
      const bodies = Array.from({ length: PUSHES_PER_ROUND }, (_, p) => body(r, p));
      results[name]!.push(await round(validator, bodies));
    }
  }
  const parsed = Array.from({ length: 200 }, (_, p) => JSON.parse(body(99, p)) as unknown);
  const hand = median(results.hand!);
  const valibot = median(results.valibot!);
  const raw = median(results.none!);
  return {
    figure: 'pushes/s of 100 events through the app, hand-written validation',
    value: hand,
    unit: 'pushes/s',
    baseline: 'the same pushes with no validation',
    baselineValue: raw,
    ratio: hand / raw,
    goal: '>= 0.9',
    extra: {
      valibotPushesPerSecond: Math.round(valibot),
      valibotRatio: Math.round((valibot / raw) * 1000) / 1000,
      handMicrosPer100Events: Math.round(validationMicros(validatePushRequest, parsed)),
      valibotMicrosPer100Events: Math.round(validationMicros(validatePushRequestValibot, parsed)),
    },
  };
}
