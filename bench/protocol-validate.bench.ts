import { uuidv7 } from '@tidelog/core';
import { type PushRequest, type Validation, validatePushRequest } from '@tidelog/protocol';
import { createMemoryServerStore, createSyncServer, type PushValidator } from '@tidelog/server';
// The valibot statement of the same rules is test-only code of the protocol package, not shipped.
import { validatePushRequestValibot } from '../packages/protocol/src/test-push-valibot.js';
import type { BenchOutcome } from './lib/report.js';

/**
 * Does push-body validation cost more than 10 % of the server's push throughput?
 * Each variant runs 100-event push bodies through the real Hono app (`app.request`,
 * memory store: JSON parse, validation, store push, JSON answer): hand-written validation
 * (what the server ships), valibot, and none (the raw baseline). The variants take turns
 * push by push, in a rotating order, so load on a shared machine hits all alike; each
 * figure is the median time of one push.
 */

const EVENTS_PER_PUSH = 100;
const PUSHES = 1500;

function body(variant: string, push: number): string {
  const events = Array.from({ length: EVENTS_PER_PUSH }, (_, i) => ({
    id: uuidv7(),
    streamId: `cart-${variant}-${push}-${i % 10}`,
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

async function pushOnce(app: ReturnType<typeof createSyncServer>, text: string): Promise<number> {
  const started = performance.now();
  const res = await app.request('/v1/spaces/bench/push', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: text,
  });
  if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
  return performance.now() - started;
}

/**
 * Validation alone, per 100-event body, on parsed bodies (median of several passes); with
 * `texts`, given each body's JSON text as the server gives it.
 */
function validationMicros(validator: PushValidator, parsed: unknown[], texts?: string[]): number {
  const limits = {
    maxEventsPerPush: 1000,
    maxPushBytes: 1 << 20,
    defaultPullLimit: 500,
    maxPullLimit: 5000,
    maxPageBytes: 4 << 20,
  };
  const passes: number[] = [];
  for (let pass = 0; pass < 15; pass++) {
    const started = performance.now();
    for (let i = 0; i < parsed.length; i++) {
      const source = texts ? { json: texts[i]! } : undefined;
      if (!validator(parsed[i], limits, source).ok) throw new Error('invalid bench body');
    }
    passes.push(((performance.now() - started) * 1000) / parsed.length);
  }
  return median(passes);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function run(): Promise<BenchOutcome> {
  const names = Object.keys(variants);
  const apps = Object.fromEntries(
    names.map((name) => [
      name,
      createSyncServer({ store: createMemoryServerStore(), pushValidator: variants[name] }),
    ]),
  );
  const times: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const warmup = 100;
  for (let p = 0; p < PUSHES + warmup; p++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(p + k) % names.length]!;
      const ms = await pushOnce(apps[name]!, body(name, p));
      if (p >= warmup) times[name]!.push(ms);
    }
  }
  const texts = Array.from({ length: 200 }, (_, p) => body('parsed', p));
  const parsed = texts.map((text) => JSON.parse(text) as unknown);
  const perSecond = (name: string) => 1000 / median(times[name]!);
  const hand = perSecond('hand');
  const valibot = perSecond('valibot');
  const raw = perSecond('none');
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
      handWithTextMicrosPer100Events: Math.round(validationMicros(validatePushRequest, parsed, texts)),
      valibotMicrosPer100Events: Math.round(validationMicros(validatePushRequestValibot, parsed)),
    },
  };
}
