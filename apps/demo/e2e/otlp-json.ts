/**
 * Reads the OTLP JSON that Jaeger's v3 query API answers (`/api/v3/traces`: `resourceSpans[].scopeSpans[].spans[]`,
 * ids in hex, times as unix-nano strings, 64-bit integers as strings) into {@link TraceSpan}s.
 */
import { otlpKind, otlpStatus, type TraceSpan } from '../test/demo-trace.ts';

interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number | string; message?: string };
}

/** One element of `resourceSpans`. */
export interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKeyValue[] };
  scopeSpans?: { spans?: OtlpSpan[] }[];
}

function readAnyValue(value: OtlpAnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(readAnyValue);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  return value.bytesValue;
}

function attributesOf(list: OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((entry) => [entry.key, readAnyValue(entry.value)]));
}

/** Every span of the answer, with its resource's attributes. */
export function fromOtlpJson(resourceSpans: readonly OtlpResourceSpans[]): TraceSpan[] {
  return resourceSpans.flatMap((resourceSpan) => {
    const resource = attributesOf(resourceSpan.resource?.attributes);
    return (resourceSpan.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
        name: span.name,
        kind: otlpKind(span.kind),
        status: otlpStatus(span.status?.code),
        startNs: BigInt(span.startTimeUnixNano),
        attributes: attributesOf(span.attributes),
        resource,
      })),
    );
  });
}
