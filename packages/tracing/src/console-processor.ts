import { type Context, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { isLocalRoot } from './span-json.js';
import { renderWaterfall, type WaterfallOptions } from './waterfall.js';

/** Options of the console waterfall. */
export interface ConsoleExporterOptions extends WaterfallOptions {
  /** Where the text goes. @default `process.stdout.write` */
  write?: (text: string) => void;
  /**
   * Most spans held while their traces' roots are still open; beyond it the oldest trace is printed as it is.
   * @default 10000
   */
  maxPendingSpans?: number;
}

function defaultWrite(text: string): void {
  process.stdout.write(text);
}

/**
 * Prints each trace as a readable waterfall (session → agents/chains → LLM and tool spans, with durations, tokens
 * and cost) when its root span ends, and whatever is still pending on `forceFlush()` / `shutdown()`.
 * For local development; the text format may change.
 */
export class ConsoleWaterfallProcessor implements SpanProcessor {
  private readonly write: (text: string) => void;
  private readonly render: WaterfallOptions;
  private readonly maxPending: number;
  private readonly traces = new Map<string, ReadableSpan[]>();
  private pending = 0;
  private stopped = false;

  /** See {@link ConsoleExporterOptions}. */
  constructor(options: ConsoleExporterOptions = {}) {
    this.write = options.write ?? defaultWrite;
    this.render = {
      ...(options.barWidth !== undefined ? { barWidth: options.barWidth } : {}),
      ...(options.maxLabelWidth !== undefined ? { maxLabelWidth: options.maxLabelWidth } : {}),
    };
    this.maxPending = Math.max(1, options.maxPendingSpans ?? 10_000);
  }

  /** Nothing to do when a span starts. */
  onStart(_span: Span, _parentContext: Context): void {}

  /** Collects the span; prints its trace when it is the trace's root. */
  onEnd(span: ReadableSpan): void {
    if (this.stopped || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    try {
      const traceId = span.spanContext().traceId;
      let spans = this.traces.get(traceId);
      if (spans === undefined) {
        spans = [];
        this.traces.set(traceId, spans);
      }
      spans.push(span);
      this.pending++;
      if (isLocalRoot(span)) {
        this.print(traceId);
        return;
      }
      while (this.pending > this.maxPending && this.traces.size > 0) {
        const oldest = this.traces.keys().next().value;
        if (oldest === undefined) break;
        this.print(oldest);
      }
    } catch {
      // The console view must never break the app.
    }
  }

  /** Prints every trace still pending. */
  async forceFlush(): Promise<void> {
    for (const traceId of [...this.traces.keys()]) this.print(traceId);
  }

  /** Prints what is pending, then stops. */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped = true;
  }

  private print(traceId: string): void {
    const spans = this.traces.get(traceId);
    this.traces.delete(traceId);
    if (spans === undefined || spans.length === 0) return;
    this.pending -= spans.length;
    try {
      this.write(`\n${renderWaterfall(spans, this.render)}`);
    } catch {
      // A closed stdout must not break the app.
    }
  }
}
