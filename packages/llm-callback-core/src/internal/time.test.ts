import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTimestamp, toEpochMillis } from './time.js';

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

  it.each<[string, unknown, number | undefined]>([
    ['Python isoformat() (naive, UTC)', '2026-03-02T09:15:01.123456', Date.UTC(2026, 2, 2, 9, 15, 1, 123)],
    ['Python str()', '2026-03-02 09:15:01.123456', Date.UTC(2026, 2, 2, 9, 15, 1, 123)],
    ['whole seconds', '2026-03-02 09:15:01', Date.UTC(2026, 2, 2, 9, 15, 1)],
    ['one fraction digit', '2026-03-02T09:15:01.5', Date.UTC(2026, 2, 2, 9, 15, 1, 500)],
    ['a leap day', '2024-02-29 00:00:00', Date.UTC(2024, 1, 29)],
    ['before 2000', '1999-12-31 23:59:59', undefined],
    // A date near 1970 is not epoch seconds (numbers below 1e11 are): it is absurd, like any date before 2000.
    ['early 1970 (not read as seconds)', '1970-01-12T00:00:00', undefined],
    ['early 1970 with a zone', '1970-01-12T00:00:00Z', undefined],
  ])('reads naive datetimes on the fast path: %s', (_name, value, expected) => {
    expect(toEpochMillis(value)).toBe(expected);
  });

  it('reads every date-time as Date.parse does (the fast path gives the same value as the general one)', () => {
    // The general path alone, as toEpochMillis read strings before the fast path existed.
    const general = (text: string): number | undefined => {
      const trimmed = text.trim();
      const naive = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed);
      const ms = Date.parse(naive ? `${trimmed}Z` : trimmed);
      return Number.isFinite(ms) && ms >= 946_684_800_000 && ms <= Date.now() + 86_400_000 ? ms : undefined;
    };
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const dateTime = fc
      .tuple(
        // Years near the edges (1970-1973 are below 1e11 ms, 2000 is the lower bound) often, and any other.
        fc
          .oneof(fc.integer({ min: 990, max: 2100 }), fc.constantFrom(1970, 1971, 1973, 1999, 2000))
          .map((n) => String(n).padStart(4, '0')),
        two(13),
        two(32),
        fc.constantFrom('T', ' ', 't', '_'),
        two(24),
        two(60),
        two(61),
        fc.constantFrom('', '.', '.5', '.12', '.123', '.123456', '.999999999', '.1234567890', ',5', '.5x'),
        fc.constantFrom('', '', '', 'Z', '+01:00', '-0530', ' '),
      )
      .map(([y, mo, d, sep, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}${sep}${h}:${mi}:${s}${fraction}${zone}`);
    fc.assert(
      fc.property(dateTime, (text) => {
        expect(toEpochMillis(text)).toBe(general(text));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('isoTimestamp', () => {
  const YEAR_10000 = 253_402_300_800_000;

  it('is Date#toISOString for every millisecond from 1970 to the year 10000', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: YEAR_10000 - 1 }), (ms) => {
        expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('truncates fractions of a millisecond as Date does, and hands other values to Date', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: YEAR_10000, noNaN: true }), (ms) => {
        if (ms < YEAR_10000) expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5_000 },
    );
    for (const ms of [
      0,
      951_782_400_000,
      1_767_225_601_000.9,
      YEAR_10000 - 1,
      Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    ]) {
      expect(isoTimestamp(ms)).toBe(new Date(ms).toISOString());
    }
    expect(isoTimestamp(-1)).toBe(new Date(-1).toISOString());
    expect(isoTimestamp(YEAR_10000)).toBe(new Date(YEAR_10000).toISOString());
    expect(() => isoTimestamp(Number.NaN)).toThrow(RangeError);
  });
});
