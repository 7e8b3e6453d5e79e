import { describe, expect, it } from 'vitest';
import { toEpochMillis } from './time.js';

describe('toEpochMillis', () => {
  const ms = Date.UTC(2026, 10, 27, 10, 0, 0, 123);
  it.each([
    ['a Date', new Date(ms), ms],
    ['epoch milliseconds', ms, ms],
    ['epoch seconds (Python)', ms / 1000, ms],
    ['epoch seconds as text', String(ms / 1000), ms],
    ['ISO with zone', '2026-11-27T10:00:00.123Z', ms],
    ['ISO with microseconds', '2026-11-27T10:00:00.123456Z', ms],
    ['naive datetime, read as UTC', '2026-11-27 10:00:00.123456', ms],
    ['offset', '2026-11-27T11:00:00.123+01:00', ms],
  ])('reads %s', (_name, input, expected) => {
    expect(toEpochMillis(input)).toBe(expected);
  });

  it.each([
    ['garbage', 'yesterday'],
    ['1970', 0],
    ['the far future', Date.now() + 10 * 86_400_000],
    ['NaN', Number.NaN],
    ['an invalid Date', new Date('x')],
    ['an object', {}],
  ])('rejects %s', (_name, input) => {
    expect(toEpochMillis(input)).toBeUndefined();
  });
});
