import { describe, expect, it } from 'vitest';
import { browserEntries, checkBudgets, measure, readBudgets } from './size.mjs';

describe('package size budgets', () => {
  const entries = browserEntries();

  it('measures the main entry of every published package', () => {
    const names = entries.filter((e) => e.subpath === '.').map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining(['@tidelog/core', '@tidelog/protocol', '@tidelog/idb', '@tidelog/server']),
    );
  });

  it.each(entries)('$name $subpath stays within its min+gzip budget', async (entry) => {
    const size = await measure(entry);
    expect(checkBudgets([{ ...entry, ...size }], readBudgets())).toEqual([]);
  });

  it('reports an entry over its budget, and one without a budget', () => {
    const budgets = { '@tidelog/core': { '.': 8000 } };
    expect(
      checkBudgets(
        [
          { name: '@tidelog/core', subpath: '.', gzip: 8000 },
          { name: '@tidelog/core', subpath: './store-kit', gzip: 10 },
          { name: '@tidelog/idb', subpath: '.', gzip: 8001 },
        ],
        { ...budgets, '@tidelog/idb': { '.': 8000 } },
      ),
    ).toEqual([
      '@tidelog/core/store-kit: 10 B gzip, no budget in scripts/size-budget.json',
      '@tidelog/idb: 8001 B gzip, over its budget of 8000 B',
    ]);
  });

  it('does not take a budget from an inherited property', () => {
    expect(checkBudgets([{ name: 'constructor', subpath: '.', gzip: 1 }], {})).toEqual([
      'constructor: 1 B gzip, no budget in scripts/size-budget.json',
    ]);
  });
});
