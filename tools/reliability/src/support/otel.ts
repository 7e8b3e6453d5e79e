import { createSpanCapture, type SpanCapture } from '@agentops/llm-callback-core/testing';
import { type Context, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type ReadableSpan, type Span, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

/** Attributes whose value must always be valid JSON (GenAI opt-in keys; see packages/llm-callback-core/ATTRIBUTES.md). */
export const JSON_ATTRIBUTES = [
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.tool.definitions',
] as const;

/**
 * A span processor that checks every span as it ends, without keeping it: each span id must end once, and the
 * JSON-valued attributes must parse. `keep` retains ended spans for tests that inspect them.
 */
export class SpanLedger implements SpanProcessor {
  started = 0;
  ended = 0;
  private readonly endedIds = new Set<string>();
  readonly duplicateEnds: string[] = [];
  /** Invalid JSON values, one example per kind (the text around the parse error), with how often each was seen. */
  readonly invalidJson: { key: string; around: string; count: number }[] = [];
  kept: ReadableSpan[] = [];
  keep = false;

  onStart(_span: Span, _parentContext: Context): void {
    this.started++;
  }

  onEnd(span: ReadableSpan): void {
    this.ended++;
    const id = `${span.spanContext().traceId}/${span.spanContext().spanId}`;
    if (this.endedIds.has(id)) this.duplicateEnds.push(`${span.name} ${id}`);
    this.endedIds.add(id);
    for (const key of JSON_ATTRIBUTES) {
      const value = span.attributes[key];
      if (value === undefined) continue;
      const text = String(value);
      try {
        JSON.parse(text);
      } catch (error) {
        const at = Number(/position (\d+)/.exec(String((error as Error).message))?.[1] ?? text.length);
        const around = text.slice(Math.max(0, at - 30), at + 10);
        const seen = this.invalidJson.find((entry) => entry.key === key && entry.around === around);
        if (seen) seen.count++;
        else if (this.invalidJson.length < 20) this.invalidJson.push({ key, around, count: 1 });
      }
    }
    if (this.keep) this.kept.push(span);
  }

  /** Spans started and not ended yet. */
  open(): number {
    return this.started - this.ended;
  }

  takeKept(): ReadableSpan[] {
    const spans = this.kept;
    this.kept = [];
    return spans;
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** An SDK provider with the core's capture and a {@link SpanLedger}, registered globally with an ALS context manager. */
export interface TestOtel {
  provider: TracerProvider;
  capture: SpanCapture;
  ledger: SpanLedger;
  shutdown(): Promise<void>;
}

/** Sets up a global provider (plus any extra processors, e.g. a real OTLP one) and an AsyncLocalStorage context. */
export function installOtel(extraProcessors: SpanProcessor[] = []): TestOtel {
  const capture = createSpanCapture();
  const ledger = new SpanLedger();
  const provider = new TracerProvider({ spanProcessors: [capture, ledger, ...extraProcessors] });
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  return {
    provider,
    capture,
    ledger,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
    },
  };
}
