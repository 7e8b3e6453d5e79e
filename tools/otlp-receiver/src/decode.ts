/**
 * Turns an ExportTraceServiceRequest into flat {@link ReceivedSpan}s. Two input shapes are accepted: the object that
 * proto-loader / protobufjs decode (`longs: String, enums: String, defaults: true, oneofs: true`, ids as Buffers) and
 * OTLP/JSON (ids as hex strings, enums as numbers, AnyValue without a oneof discriminator).
 */

/** An attribute value decoded from an OTLP AnyValue. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };

/** Attributes as a plain object. */
export type Attributes = Record<string, AttributeValue>;

/** One span as the receiver got it. */
export interface ReceivedSpan {
  /** 32 lower-case hex digits. */
  traceId: string;
  /** 16 lower-case hex digits. */
  spanId: string;
  /** 16 hex digits, or '' for a root span. */
  parentSpanId: string;
  /** W3C trace state, '' when none. */
  traceState: string;
  /** Span name. */
  name: string;
  /** OTLP enum name, e.g. `SPAN_KIND_CLIENT` (OTLP numbering differs from `@opentelemetry/api`'s SpanKind). */
  kind: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  startTimeUnixNano: string;
  /** Nanoseconds since the epoch, as a decimal string. */
  endTimeUnixNano: string;
  /** Span attributes. Integers become numbers (strings when beyond 2^53), bytes become base64 strings. */
  attributes: Attributes;
  /** Attributes the SDK dropped (limits). */
  droppedAttributesCount: number;
  /** `code` is an OTLP enum name: `STATUS_CODE_UNSET`, `STATUS_CODE_OK` or `STATUS_CODE_ERROR`. */
  status: { code: string; message: string };
  /** Span events in order. */
  events: Array<{ name: string; timeUnixNano: string; attributes: Attributes }>;
  /** Span links. */
  links: Array<{ traceId: string; spanId: string; traceState: string; attributes: Attributes }>;
  /** Attributes of the resource the span came with. */
  resourceAttributes: Attributes;
  /** Instrumentation scope name. */
  scopeName: string;
  /** Instrumentation scope version ('' when none). */
  scopeVersion: string;
}

const SPAN_KINDS = [
  'SPAN_KIND_UNSPECIFIED',
  'SPAN_KIND_INTERNAL',
  'SPAN_KIND_SERVER',
  'SPAN_KIND_CLIENT',
  'SPAN_KIND_PRODUCER',
  'SPAN_KIND_CONSUMER',
];
const STATUS_CODES = ['STATUS_CODE_UNSET', 'STATUS_CODE_OK', 'STATUS_CODE_ERROR'];
const ANY_VALUE_KEYS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
];

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : '';
}

/** Ids: bytes (protobuf) or hex (OTLP/JSON); base64 is accepted too, as some JSON encoders emit it. */
export function idToHex(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (typeof value !== 'string' || value === '') return '';
  if (/^[0-9a-f]+$/i.test(value) && (value.length === 32 || value.length === 16)) return value.toLowerCase();
  return Buffer.from(value, 'base64').toString('hex');
}

function enumName(value: unknown, names: string[]): string {
  if (typeof value === 'number') return names[value] ?? String(value);
  return typeof value === 'string' ? value : (names[0] ?? '');
}

function toInt(value: unknown): number | string {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : String(value);
}

/** Decodes one AnyValue. */
export function anyValue(value: unknown): AttributeValue {
  if (!isObj(value)) return null;
  // proto-loader with `oneofs: true` names the set field; OTLP/JSON just has the one key.
  const key = typeof value.value === 'string' ? value.value : ANY_VALUE_KEYS.find((k) => value[k] !== undefined);
  switch (key) {
    case 'stringValue':
      return str(value.stringValue);
    case 'boolValue':
      return value.boolValue === true;
    case 'intValue':
      return toInt(value.intValue);
    case 'doubleValue':
      return Number(value.doubleValue);
    case 'arrayValue':
      return list(isObj(value.arrayValue) ? value.arrayValue.values : undefined).map(anyValue);
    case 'kvlistValue':
      return keyValues(isObj(value.kvlistValue) ? value.kvlistValue.values : undefined);
    case 'bytesValue':
      return value.bytesValue instanceof Uint8Array
        ? Buffer.from(value.bytesValue).toString('base64')
        : str(value.bytesValue);
    default:
      return null;
  }
}

/** Decodes a repeated KeyValue into a plain object. */
export function keyValues(values: unknown): Attributes {
  const out: Attributes = {};
  for (const kv of list(values)) {
    if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  }
  return out;
}

/** Flattens an ExportTraceServiceRequest (decoded protobuf or OTLP/JSON) into spans. */
export function spansFromRequest(request: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  if (!isObj(request)) return spans;
  for (const resourceSpans of list(request.resourceSpans)) {
    if (!isObj(resourceSpans)) continue;
    const resourceAttributes = keyValues(isObj(resourceSpans.resource) ? resourceSpans.resource.attributes : undefined);
    // `instrumentationLibrarySpans` is the old name of scopeSpans; the proto says to read it only when scopeSpans is
    // empty (senders may double-publish both).
    const current = list(resourceSpans.scopeSpans);
    const scopes = current.length > 0 ? current : list(resourceSpans.instrumentationLibrarySpans);
    for (const scopeSpans of scopes) {
      if (!isObj(scopeSpans)) continue;
      const scope = isObj(scopeSpans.scope)
        ? scopeSpans.scope
        : isObj(scopeSpans.instrumentationLibrary)
          ? scopeSpans.instrumentationLibrary
          : {};
      for (const span of list(scopeSpans.spans)) {
        if (!isObj(span)) continue;
        const status = isObj(span.status) ? span.status : {};
        spans.push({
          traceId: idToHex(span.traceId),
          spanId: idToHex(span.spanId),
          parentSpanId: idToHex(span.parentSpanId),
          traceState: str(span.traceState),
          name: str(span.name),
          kind: enumName(span.kind, SPAN_KINDS),
          startTimeUnixNano: str(span.startTimeUnixNano),
          endTimeUnixNano: str(span.endTimeUnixNano),
          attributes: keyValues(span.attributes),
          droppedAttributesCount: Number(span.droppedAttributesCount ?? 0),
          status: { code: enumName(status.code, STATUS_CODES), message: str(status.message) },
          events: list(span.events)
            .filter(isObj)
            .map((e) => ({
              name: str(e.name),
              timeUnixNano: str(e.timeUnixNano),
              attributes: keyValues(e.attributes),
            })),
          links: list(span.links)
            .filter(isObj)
            .map((l) => ({
              traceId: idToHex(l.traceId),
              spanId: idToHex(l.spanId),
              traceState: str(l.traceState),
              attributes: keyValues(l.attributes),
            })),
          resourceAttributes,
          scopeName: str(scope.name),
          scopeVersion: str(scope.version),
        });
      }
    }
  }
  return spans;
}
