import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureDiag, type DiagCapture } from '../test/helpers/diag-capture.js';
import { resetWarnings } from './log.js';
import { BufferedBatchSpanProcessor, DEFAULT_MAX_QUEUE_SIZE, resolveBatchOptions } from './processors.js';
import { RetryingSpanExporter } from './retry-buffer.js';

/** An exporter that holds every batch until `release()` (an exporter answering asynchronously). */
class HeldExporter implements SpanExporter {
  readonly delivered: string[] = [];
  readonly batches: number[] = [];
  private readonly pending: Array<{ spans: ReadableSpan[]; done: (result: ExportResult) => void }> = [];

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.batches.push(spans.length);
    this.pending.push({ spans, done });
  }

  /** Answers the batches held so far, with `result`. */
  release(result: ExportResult = { code: ExportResultCode.SUCCESS }): void {
    for (const { spans, done } of this.pending.splice(0)) {
      if (result.code === ExportResultCode.SUCCESS) this.delivered.push(...spans.map((span) => span.name));
      done(result);
    }
  }

  async shutdown(): Promise<void> {}
}

let logs: DiagCapture;
beforeEach(() => {
  resetWarnings();
  logs = captureDiag();
});
afterEach(() => logs.restore());

function burst(processor: BufferedBatchSpanProcessor, count: number): TracerProvider {
  const provider = new TracerProvider({ spanProcessors: [processor] });
  const tracer = provider.getTracer('burst');
  for (let i = 0; i < count; i++) tracer.startSpan(`burst-${i}`).end();
  return provider;
}

describe('BufferedBatchSpanProcessor', () => {
  it('hands a synchronous burst to a retry-buffered exporter as it happens: nothing lost past the queue', async () => {
    const memory = new InMemorySpanExporter();
    const processor = new BufferedBatchSpanProcessor(new RetryingSpanExporter(memory), {
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      scheduledDelayMillis: 50,
    });
    const provider = burst(processor, 50);
    await processor.forceFlush();
    expect(memory.getFinishedSpans().map((span) => span.name)).toEqual(
      Array.from({ length: 50 }, (_, i) => `burst-${i}`),
    );
    expect(processor.exportStats()).toMatchObject({ exported: 50, dropped: 0, buffered: 0 });
    await provider.shutdown();
  });

  it('counts the spans over maxQueueSize while the exporter is busy and reports them through diag once', async () => {
    const exporter = new HeldExporter();
    const processor = new BufferedBatchSpanProcessor(exporter, {
      maxQueueSize: 10,
      maxExportBatchSize: 5,
      scheduledDelayMillis: 50,
    });
    // The first full batch goes out and is held; 10 more fill the queue; the other 35 are over it.
    const provider = burst(processor, 50);
    expect(exporter.batches).toEqual([5]);
    expect(processor.exportStats()).toMatchObject({ dropped: 35, droppedBy: { queue: 35 } });
    const flushed = processor.forceFlush();
    for (let i = 0; i < 5; i++) {
      exporter.release();
      await Promise.resolve();
    }
    await flushed;
    expect(exporter.delivered).toHaveLength(15);
    expect(exporter.delivered.length + processor.exportStats().dropped).toBe(50);
    const warnings = logs.warnings().filter((text) => text.includes('exporter dropped'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('exporter dropped 35 spans (over the 10-span batch queue');
    await provider.shutdown();
  });

  it('counts a failed batch of an exporter without a retry buffer as rejected, and reports it', async () => {
    const exporter = new HeldExporter();
    const processor = new BufferedBatchSpanProcessor(exporter, { maxExportBatchSize: 2, scheduledDelayMillis: 50 });
    const provider = burst(processor, 2);
    exporter.release({ code: ExportResultCode.FAILED, error: new Error('disk full') });
    await processor.forceFlush();
    expect(processor.exportStats()).toMatchObject({ dropped: 2, droppedBy: { rejected: 2 }, lastError: 'disk full' });
    expect(logs.warnings().join('\n')).toContain('exporter dropped 2 spans');
    await provider.shutdown();
  });

  it('exports a partial batch after the delay, and everything queued on shutdown', async () => {
    const delivered: string[] = [];
    let shutdowns = 0;
    const exporter: SpanExporter = {
      export: (spans, done) => {
        delivered.push(...spans.map((span) => span.name));
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: async () => {
        shutdowns++;
      },
    };
    const processor = new BufferedBatchSpanProcessor(exporter, { maxExportBatchSize: 100, scheduledDelayMillis: 10 });
    const provider = burst(processor, 3);
    expect(delivered).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(delivered).toHaveLength(3);
    burst(processor, 2);
    await processor.shutdown();
    expect(delivered).toHaveLength(5);
    expect(shutdowns).toBe(1);
    // After shutdown nothing more is queued.
    burst(processor, 1);
    await processor.forceFlush();
    expect(delivered).toHaveLength(5);
    await provider.shutdown();
  });

  it('has a default queue that holds a large burst, and keeps OTEL_BSP_MAX_QUEUE_SIZE', () => {
    expect(DEFAULT_MAX_QUEUE_SIZE).toBeGreaterThanOrEqual(10_000);
    expect(resolveBatchOptions().maxQueueSize).toBe(DEFAULT_MAX_QUEUE_SIZE);
    expect(resolveBatchOptions({ maxQueueSize: 64 }).maxQueueSize).toBe(64);
  });
});
