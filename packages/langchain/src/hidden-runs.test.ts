import { afterEach, describe, expect, it, vi } from 'vitest';
import { HiddenRuns } from './hidden-runs.js';

afterEach(() => vi.useRealTimers());

describe('HiddenRuns', () => {
  it('resolves a parent through nested hidden runs to the nearest visible run', () => {
    const hidden = new HiddenRuns(1000);
    const open = () => true;
    hidden.add('h1', 'visible', open);
    hidden.add('h2', hidden.resolve('h1'), open);
    expect(hidden.resolve('h2')).toBe('visible');
    expect(hidden.resolve('other')).toBe('other');
    expect(hidden.resolve(undefined)).toBeUndefined();
    expect(hidden.delete('h1')).toBe(true);
    expect(hidden.delete('h1')).toBe(false);
  });

  it('drops hidden runs whose parent ended, and hidden roots after the TTL', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const hidden = new HiddenRuns(1000);
    hidden.add('child', 'parent', () => true);
    hidden.add('root', undefined, () => true);
    hidden.prune((key) => key !== 'parent');
    expect([hidden.has('child'), hidden.has('root')]).toEqual([false, true]);
    vi.setSystemTime(1_000_000 + 1001);
    hidden.prune(() => true);
    expect(hidden.size).toBe(0);
  });
});
