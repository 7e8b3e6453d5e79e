import { readNumber } from './read.js';

/** Milliseconds since the epoch, with sub-millisecond precision where the clock has it. */
export function nowMillis(): number {
  return performance.timeOrigin + performance.now();
}

/** Epoch milliseconds of 10000-01-01: `isoTimestamp` formats everything before it itself. */
const YEAR_10000_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/**
 * `new Date(ms).toISOString()` for epoch milliseconds from 1970 up to the year 10000, without a `Date`: the builtin
 * costs about a microsecond, and this runs on every call. The same string (milliseconds truncated, as `Date` does);
 * other values go to the builtin.
 */
export function isoTimestamp(ms: number): string {
  if (!(ms >= 0 && ms < YEAR_10000_MS)) return new Date(ms).toISOString();
  const whole = Math.floor(ms);
  const days = Math.floor(whole / 86_400_000);
  let rest = whole - days * 86_400_000;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  // Civil date from days since 1970-01-01 (Howard Hinnant's civil_from_days, for non-negative days).
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return `${year}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

/**
 * Epoch milliseconds from a `Date`, epoch milliseconds, epoch seconds (numbers below 1e11, as Python frameworks send
 * them) or an ISO-8601 string; `undefined` if unreadable or absurd (before 2000 or more than a day in the future), so
 * that a bad timestamp never produces a span from 1970.
 */
export function toEpochMillis(value: unknown): number | undefined {
  let ms: number | undefined;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') ms = naiveDateTime(value) ?? fromText(value.trim());
  else ms = fromNumber(readNumber(value));
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  if (ms < 946_684_800_000 || ms > Date.now() + 86_400_000) return undefined;
  return ms;
}

/** Numbers below 1e11 are epoch seconds. Only numbers: a date such as `1970-01-12` is absurd, not seconds. */
function fromNumber(value: number | undefined): number | undefined {
  return value !== undefined && value > 0 && value < 1e11 ? value * 1000 : value;
}

function fromText(trimmed: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(trimmed)) return fromNumber(readNumber(trimmed));
  return Date.parse(hasZone(trimmed) ? trimmed : `${trimmed}Z`);
}

// Timestamps without a zone (Python's naive datetimes) are read as UTC, not local time.
function hasZone(text: string): boolean {
  return !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) || /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The fast path for Python's naive `isoformat()` / `str()` datetimes, the shape LiteLLM sends on every call:
 * `YYYY-MM-DD[T ]HH:MM:SS[.f{1,9}]` with every field in range, as UTC, without regexes or `Date.parse` (the same
 * value they give); `undefined` for anything else.
 */
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
