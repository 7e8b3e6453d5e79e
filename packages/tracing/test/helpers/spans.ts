import type { Attributes, HrTime } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** Fixed trace id of {@link SpanBuilder} traces. */
export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** Epoch second all {@link SpanBuilder} times are relative to (2025-01-01T00:00:00Z). */
export const T0 = 1_735_689_600;

/** HrTime `ms` milliseconds after {@link T0}. */
export function at(ms: number): HrTime {
  return [T0 + Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}

/** Builds finished spans with fixed ids and times, for deterministic rendering. */
export class SpanBuilder {
  private next = 0;
  private readonly exporter = new InMemorySpanExporter();
  readonly provider: TracerProvider;

  constructor() {
    this.provider = new TracerProvider({
      idGenerator: {
        generateTraceId: () => TRACE_ID,
        generateSpanId: () => (++this.next).toString(16).padStart(16, '0'),
      },
      spanProcessors: [new SimpleSpanProcessor({ exporter: this.exporter })],
    });
  }

  /** Starts and ends a span from `startMs` to `endMs` (after T0) under `parent`; returns its id. */
  span(
    name: string,
    startMs: number,
    endMs: number,
    options: { parent?: string; attributes?: Attributes; error?: string } = {},
  ): string {
    const tracer = this.provider.getTracer('test');
    const parentContext =
      options.parent !== undefined
        ? trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: options.parent, traceFlags: 1 })
        : context.active();
    const span = tracer.startSpan(
      name,
      { startTime: at(startMs), ...(options.attributes ? { attributes: options.attributes } : {}) },
      parentContext,
    );
    if (options.error !== undefined) span.setStatus({ code: 2, message: options.error });
    span.end(at(endMs));
    return span.spanContext().spanId;
  }

  /** Every finished span, in end order. */
  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }
}
