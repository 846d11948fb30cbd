import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('README example', () => {
  it('is the code in README.md and runs as written', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const body = example
      .split('\n')
      .slice(1)
      .filter((l) => !l.startsWith('export {'))
      .join('\n')
      .trim();
    expect(block.trim()).toBe(body);
    const { after } = await import('./readme-example.js');
    expect([after.state.count, after.version]).toEqual([3, 1]);
  });
});
