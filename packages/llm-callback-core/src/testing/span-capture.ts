import type { Attributes, Context, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';

/** The fields of an SDK `ReadableSpan` the helpers read (SDK 2 and 3 both have them). */
export interface ReadableSpanLike {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  /** SDK 1.x name of the parent id. */
  readonly parentSpanId?: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: { name: string; time: HrTime; attributes?: Attributes | undefined }[];
  readonly instrumentationScope?: { name: string; version?: string | undefined };
}

/**
 * A span processor that keeps every ended span in memory and counts spans still open. Pass it to your provider:
 * `new TracerProvider({ spanProcessors: [capture] })`.
 */
export interface SpanCapture {
  onStart(span: unknown, parentContext: Context): void;
  onEnd(span: ReadableSpanLike): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Ended spans, in the order they ended. */
  spans(): ReadableSpanLike[];
  /** Spans started and not yet ended. */
  openCount(): number;
  /** Forget captured spans (open spans are still counted). */
  reset(): void;
}

/**
 * Creates an in-memory span capture.
 *
 * @example
 * ```ts
 * const capture = createSpanCapture();
 * const provider = new TracerProvider({ spanProcessors: [capture] });
 * // ... run code ...
 * expect(serializeSpanTree(capture.spans())).toMatchInlineSnapshot();
 * ```
 */
export function createSpanCapture(): SpanCapture {
  let ended: ReadableSpanLike[] = [];
  let open = 0;
  return {
    onStart() {
      open++;
    },
    onEnd(span) {
      open--;
      ended.push(span);
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
    spans: () => ended.slice(),
    openCount: () => open,
    reset() {
      ended = [];
    },
  };
}

export function parentIdOf(span: ReadableSpanLike): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId ?? undefined;
}
