import { describe, expect, it } from 'vitest';
import { boardFromPath, boardOfRuntime, boardPath, runtimeName } from './space.js';

describe('board routes', () => {
  it('reads a board name from the path, case-insensitively', () => {
    expect(boardFromPath('/b/team-a')).toEqual({ kind: 'ok', board: 'team-a' });
    expect(boardFromPath('/b/Team-A/')).toEqual({ kind: 'ok', board: 'team-a' });
    expect(boardFromPath('/')).toEqual({ kind: 'home' });
  });

  it('refuses names that are no board', () => {
    for (const path of [
      '/b/',
      '/b/a b',
      '/b/%E0%A4%A',
      '/b/-x',
      `/b/${'x'.repeat(65)}`,
      '/x/team',
      '/b/a/b',
      '/b/__proto__x?',
    ]) {
      expect(boardFromPath(path).kind).toBe('invalid');
    }
  });

  it('round-trips a board through its path and its runtime name', () => {
    expect(boardFromPath(boardPath('q3.plan_2'))).toEqual({ kind: 'ok', board: 'q3.plan_2' });
    expect(boardOfRuntime(runtimeName('q3.plan_2'))).toBe('q3.plan_2');
    expect(boardOfRuntime('other')).toBeUndefined();
  });
});
