import { readNumber } from './read.js';

/** Milliseconds since the epoch, with sub-millisecond precision where the clock has it. */
export function nowMillis(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Epoch milliseconds from a `Date`, epoch milliseconds, epoch seconds (numbers below 1e11, as Python frameworks send
 * them) or an ISO-8601 string; `undefined` if unreadable or absurd (before 2000 or more than a day in the future), so
 * that a bad timestamp never produces a span from 1970.
 */
export function toEpochMillis(value: unknown): number | undefined {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') {
    const trimmed = value.trim();
    ms = /^\d+(\.\d+)?$/.test(trimmed) ? readNumber(trimmed) : Date.parse(hasZone(trimmed) ? trimmed : `${trimmed}Z`);
  } else ms = readNumber(value);
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  if (ms > 0 && ms < 1e11) ms *= 1000;
  if (ms < 946_684_800_000 || ms > Date.now() + 86_400_000) return undefined;
  return ms;
}

// Timestamps without a zone (Python's naive datetimes) are read as UTC, not local time.
function hasZone(text: string): boolean {
  return !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
}
