import { toEpochMillis } from '@agentops/llm-callback-core/adapter-kit';

/**
 * Epoch milliseconds from a LiteLLM time, exactly as the core's `toEpochMillis` reads it. LiteLLM's own shapes get a
 * fast path: epoch seconds (payloads) go straight through, and Python's naive `isoformat()` / `str()` datetimes
 * (`2026-03-02T09:15:01.123456`, `2026-03-02 09:15:01.123456`, read as UTC) are parsed here without regexes or
 * `Date.parse`. Every other shape, and any value out of range, is left to `toEpochMillis`.
 */
export function toMillis(value: unknown): number | undefined {
  if (typeof value === 'string') {
    const ms = naiveDateTime(value);
    // The core's range checks (and its epoch-seconds rule) apply to the parsed value as to a parsed string.
    if (ms !== undefined) return toEpochMillis(ms);
  }
  return toEpochMillis(value);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}]` with every field in range, as UTC; `undefined` for anything else. */
function naiveDateTime(text: string): number | undefined {
  const length = text.length;
  if (length < 19 || length > 29 || length === 20) return undefined;
  const separator = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 ||
    text.charCodeAt(7) !== 45 ||
    (separator !== 84 && separator !== 32) ||
    text.charCodeAt(13) !== 58 ||
    text.charCodeAt(16) !== 58
  )
    return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  if (second < 0 || second > 59 || day > daysIn(year, month)) return undefined;
  let millis = 0;
  if (length > 19) {
    if (text.charCodeAt(19) !== 46) return undefined;
    // Whole milliseconds, as Date.parse: the first three fraction digits, the rest dropped.
    const fraction = digits(text, 20, length - 20);
    if (fraction < 0) return undefined;
    millis = length >= 23 ? digits(text, 20, 3) : fraction * (length === 21 ? 100 : 10);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis);
}

/** The decimal number in `text[start, start + count)`, or -1 if a character is not a digit. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysIn(year: number, month: number): number {
  if (month !== 2) return DAYS[month - 1] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}
