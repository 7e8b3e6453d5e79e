import { type Attributes, type HrTime, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/** One span as the file exporter writes it: one JSON object per line. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  name: string;
  /** `INTERNAL`, `SERVER`, `CLIENT`, `PRODUCER` or `CONSUMER`. */
  kind: string;
  /** ISO-8601 start time (millisecond precision). */
  startTime: string;
  /** Start time in nanoseconds since the epoch, as a decimal string (exact). */
  startTimeUnixNano: string;
  endTime: string;
  endTimeUnixNano: string;
  durationMs: number;
  attributes: Attributes;
  status: { code: 'UNSET' | 'OK' | 'ERROR'; message?: string };
  events: Array<{ name: string; time: string; timeUnixNano: string; attributes: Attributes }>;
  links: Array<{ traceId: string; spanId: string; attributes: Attributes }>;
  resource: Attributes;
  scope: { name: string; version?: string };
}

const KIND_NAMES: Record<number, string> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

const NANOS_PER_SECOND = 1_000_000_000n;

/** Nanoseconds since the epoch, exact, as a decimal string. */
export function hrTimeToNanoString(time: HrTime): string {
  return (BigInt(Math.trunc(time[0])) * NANOS_PER_SECOND + BigInt(Math.trunc(time[1]))).toString();
}

/** Milliseconds since the epoch (fractional). */
export function hrTimeToMillis(time: HrTime): number {
  return time[0] * 1000 + time[1] / 1e6;
}

function hrTimeToIso(time: HrTime): string {
  const ms = hrTimeToMillis(time);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/**
 * The parent span id, for SDK 2 and 3 spans (`parentSpanContext`) and SDK 1 spans (`parentSpanId`).
 */
export function parentSpanIdOf(span: ReadableSpan): string | undefined {
  const fromContext = span.parentSpanContext?.spanId;
  if (typeof fromContext === 'string' && fromContext !== '') return fromContext;
  const legacy = (span as { parentSpanId?: unknown }).parentSpanId;
  return typeof legacy === 'string' && legacy !== '' ? legacy : undefined;
}

/** True when the span has no parent in this process (no parent, or a remote one). */
export function isLocalRoot(span: ReadableSpan): boolean {
  if (span.parentSpanContext !== undefined) return span.parentSpanContext.isRemote === true;
  return parentSpanIdOf(span) === undefined;
}

/** Converts a finished span to its JSON record. */
export function spanToRecord(span: ReadableSpan): SpanRecord {
  const context = span.spanContext();
  const record: SpanRecord = {
    traceId: context.traceId,
    spanId: context.spanId,
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? String(span.kind),
    startTime: hrTimeToIso(span.startTime),
    startTimeUnixNano: hrTimeToNanoString(span.startTime),
    endTime: hrTimeToIso(span.endTime),
    endTimeUnixNano: hrTimeToNanoString(span.endTime),
    durationMs: Math.round((span.duration[0] * 1000 + span.duration[1] / 1e6) * 1000) / 1000,
    attributes: { ...span.attributes },
    status:
      span.status.message !== undefined && span.status.message !== ''
        ? { code: statusName(span.status.code), message: span.status.message }
        : { code: statusName(span.status.code) },
    events: span.events.map((event) => ({
      name: event.name,
      time: hrTimeToIso(event.time),
      timeUnixNano: hrTimeToNanoString(event.time),
      attributes: { ...event.attributes },
    })),
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: { ...link.attributes },
    })),
    resource: { ...span.resource.attributes },
    scope:
      span.instrumentationScope.version !== undefined
        ? { name: span.instrumentationScope.name, version: span.instrumentationScope.version }
        : { name: span.instrumentationScope.name },
  };
  const parent = parentSpanIdOf(span);
  if (parent !== undefined) record.parentSpanId = parent;
  return record;
}

function statusName(code: SpanStatusCode): 'UNSET' | 'OK' | 'ERROR' {
  if (code === SpanStatusCode.OK) return 'OK';
  if (code === SpanStatusCode.ERROR) return 'ERROR';
  return 'UNSET';
}
