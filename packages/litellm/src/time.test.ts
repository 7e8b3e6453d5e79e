import { toEpochMillis } from '@agentops/llm-callback-core/adapter-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toMillis } from './time.js';

describe('toMillis', () => {
  it.each<[string, unknown, number | undefined]>([
    ['Python isoformat() (naive, UTC)', '2026-03-02T09:15:01.123456', Date.UTC(2026, 2, 2, 9, 15, 1, 123)],
    ['Python str()', '2026-03-02 09:15:01.123456', Date.UTC(2026, 2, 2, 9, 15, 1, 123)],
    ['whole seconds', '2026-03-02 09:15:01', Date.UTC(2026, 2, 2, 9, 15, 1)],
    ['one fraction digit', '2026-03-02T09:15:01.5', Date.UTC(2026, 2, 2, 9, 15, 1, 500)],
    ['a leap day', '2024-02-29 00:00:00', Date.UTC(2024, 1, 29)],
    ['epoch seconds', 1767225600.112, 1767225600112],
    ['with a zone', '2026-03-02T09:15:01.5+01:00', Date.UTC(2026, 2, 2, 8, 15, 1, 500)],
    ['before 2000', '1999-12-31 23:59:59', undefined],
    ['garbage', 'yesterday', undefined],
  ])('reads %s', (_name, value, expected) => {
    expect(toMillis(value)).toBe(expected);
  });

  it("reads every date-time exactly as the core's toEpochMillis", () => {
    const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
    const dateTime = fc
      .tuple(
        fc.integer({ min: 990, max: 2100 }).map((n) => String(n).padStart(4, '0')),
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
        expect(toMillis(text)).toBe(toEpochMillis(text));
      }),
      { numRuns: 5000 },
    );
  });
});
