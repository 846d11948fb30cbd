import { describe, expect, it } from 'vitest';
import { DOCUMENTED_ENTRIES, findDocGaps } from './api-docs.js';

describe('the API reference', () => {
  it('has a description for every export of core, protocol, idb and server, and an example for every function and class', () => {
    expect(findDocGaps(DOCUMENTED_ENTRIES)).toEqual([]);
  }, 120_000);

  it('names each export without a description, and each function without an example', () => {
    expect(findDocGaps(['scripts/api-docs.fixture.ts'])).toEqual([
      { entry: 'scripts/api-docs.fixture.ts', name: 'noExample', missing: '@example' },
      { entry: 'scripts/api-docs.fixture.ts', name: 'undocumented', missing: 'description' },
      { entry: 'scripts/api-docs.fixture.ts', name: 'NotDescribed', missing: 'description' },
      { entry: 'scripts/api-docs.fixture.ts', name: 'arrow', missing: '@example' },
    ]);
  }, 120_000);
});
