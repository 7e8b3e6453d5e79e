import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureDiag, type DiagCapture } from '../test/helpers/diag-capture.js';
import { resetWarnings } from './log.js';
import { ExportFailure, isRetryableExportError, RetryingSpanExporter } from './retry-buffer.js';

/** The buffer never looks inside spans, so tagged stand-ins are enough. */
function spans(...names: string[]): ReadableSpan[] {
  return names.map((name) => ({ name }) as unknown as ReadableSpan);
}

type Outcome = ExportResult | 'hang';

/** An exporter that answers each call with the next scripted outcome (then success) and records what it got. */
class ScriptedExporter implements SpanExporter {
  readonly calls: string[][] = [];
  readonly delivered: string[] = [];
  private readonly pending: Array<{ names: string[]; done: (result: ExportResult) => void }> = [];
  shutdowns = 0;

  constructor(private readonly script: Outcome[] = []) {}

  export(batch: ReadableSpan[], done: (result: ExportResult) => void): void {
    const names = batch.map((span) => span.name);
    this.calls.push(names);
    const outcome = this.script.shift() ?? { code: ExportResultCode.SUCCESS };
    if (outcome === 'hang') {
      this.pending.push({ names, done });
      return;
    }
    if (outcome.code === ExportResultCode.SUCCESS) this.delivered.push(...names);
    done(outcome);
  }

  /** Completes the hanging calls with success. */
  release(): void {
    for (const { names, done } of this.pending.splice(0)) {
      this.delivered.push(...names);
      done({ code: ExportResultCode.SUCCESS });
    }
  }

  async shutdown(): Promise<void> {
    this.shutdowns++;
  }
}

const fail = (code?: number): ExportResult => ({
  code: ExportResultCode.FAILED,
  error: Object.assign(
    new Error(code === undefined ? 'connect ECONNREFUSED' : `HTTP ${code}`),
    code === undefined ? {} : { code },
  ),
});

let logs: DiagCapture;
beforeEach(() => {
  resetWarnings();
  logs = captureDiag();
});
afterEach(() => logs.restore());

describe('RetryingSpanExporter', () => {
  it('accepts a batch at once, even while the backend never answers', () => {
    const inner = new ScriptedExporter(['hang']);
    const buffer = new RetryingSpanExporter(inner);
    const results: ExportResult[] = [];
    buffer.export(spans('a', 'b'), (result) => results.push(result));
    expect(results).toEqual([{ code: ExportResultCode.SUCCESS }]);
    expect(buffer.exportStats()).toMatchObject({ buffered: 2, exported: 0 });
    inner.release();
  });

  it('re-sends spans after failed attempts and counts them', async () => {
    const inner = new ScriptedExporter([fail(), fail(503)]);
    const buffer = new RetryingSpanExporter(inner, { initialBackoffMs: 10, maxBackoffMs: 20 });
    buffer.export(spans('a', 'b', 'c'), () => undefined);
    await vi.waitFor(() => expect(inner.delivered).toEqual(['a', 'b', 'c']));
    expect(inner.calls).toHaveLength(3);
    expect(buffer.exportStats()).toMatchObject({ exported: 3, retried: 3, failedAttempts: 2, dropped: 0, buffered: 0 });
    expect(logs.warnings()).toEqual([]);
  });

  it('drops and reports spans still unsent when the retry window ends', async () => {
    const inner = new ScriptedExporter(Array.from({ length: 100 }, () => fail()));
    const buffer = new RetryingSpanExporter(inner, { retryWindowMs: 150, initialBackoffMs: 20, name: 'otlp' });
    buffer.export(spans('a', 'b'), () => undefined);
    await vi.waitFor(() => expect(buffer.exportStats().dropped).toBe(2));
    expect(buffer.exportStats()).toMatchObject({ buffered: 0, exported: 0, droppedBy: { expired: 2 } });
    expect(logs.warnings()).toHaveLength(1);
    expect(logs.warnings()[0]).toContain('otlp exporter dropped 2 spans: 2 still unsent after the 150 ms retry window');
    expect(logs.warnings()[0]).toContain('ECONNREFUSED');
  });

  it('keeps at most maxBufferedSpans, dropping the oldest waiting spans', async () => {
    const inner = new ScriptedExporter(['hang']);
    const buffer = new RetryingSpanExporter(inner, { maxBufferedSpans: 5 });
    buffer.export(spans('a', 'b'), () => undefined); // in flight
    buffer.export(spans('c', 'd'), () => undefined);
    buffer.export(spans('e', 'f', 'g'), () => undefined);
    expect(buffer.exportStats()).toMatchObject({ buffered: 5, dropped: 2, droppedBy: { overflow: 2 } });
    inner.release();
    await buffer.forceFlush();
    expect(inner.delivered).toEqual(['a', 'b', 'e', 'f', 'g']);
    expect(logs.warnings()[0]).toContain('2 over the 5-span buffer bound');
  });

  it('drops batches the backend refuses for good, without retrying', async () => {
    const inner = new ScriptedExporter([fail(400)]);
    const buffer = new RetryingSpanExporter(inner, { initialBackoffMs: 10 });
    buffer.export(spans('a'), () => undefined);
    buffer.export(spans('b'), () => undefined);
    await buffer.forceFlush();
    expect(inner.calls).toEqual([['a'], ['b']]);
    expect(buffer.exportStats()).toMatchObject({ exported: 1, dropped: 1, droppedBy: { rejected: 1 } });
    expect(logs.warnings()[0]).toContain('1 rejected by the backend (HTTP 400)');
  });

  it('counts drops the exporter already reported without warning again', async () => {
    const refused: ExportResult = {
      code: ExportResultCode.FAILED,
      error: new ExportFailure('no usable key', { retryable: false, reported: true }),
    };
    const inner = new ScriptedExporter([refused]);
    const buffer = new RetryingSpanExporter(inner);
    buffer.export(spans('a', 'b'), () => undefined);
    await buffer.forceFlush();
    expect(buffer.exportStats()).toMatchObject({ dropped: 2, droppedBy: { rejected: 2 } });
    expect(logs.warnings()).toEqual([]);
  });

  it('merges queued batches up to maxExportBatchSize, oldest first', async () => {
    const inner = new ScriptedExporter(['hang']);
    const buffer = new RetryingSpanExporter(inner, { maxExportBatchSize: 3 });
    buffer.export(spans('a'), () => undefined);
    buffer.export(spans('b'), () => undefined);
    buffer.export(spans('c', 'd'), () => undefined);
    buffer.export(spans('e'), () => undefined);
    inner.release();
    await buffer.forceFlush();
    expect(inner.calls).toEqual([['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('on shutdown, tries once more, then drops and reports what is left', async () => {
    const inner = new ScriptedExporter([fail(), fail()]);
    const buffer = new RetryingSpanExporter(inner, { initialBackoffMs: 60_000, maxBackoffMs: 60_000 });
    buffer.export(spans('a', 'b'), () => undefined);
    await vi.waitFor(() => expect(buffer.exportStats().failedAttempts).toBe(1));
    await buffer.shutdown();
    expect(inner.calls).toHaveLength(2);
    expect(inner.shutdowns).toBe(1);
    expect(buffer.exportStats()).toMatchObject({ dropped: 2, droppedBy: { shutdown: 2 }, buffered: 0 });
    expect(logs.warnings()[0]).toContain('2 still unsent at shutdown');
  });

  it('treats an attempt that never reports back as failed', async () => {
    const inner = new ScriptedExporter(['hang']);
    const buffer = new RetryingSpanExporter(inner, { attemptTimeoutMs: 20, initialBackoffMs: 10 });
    buffer.export(spans('a'), () => undefined);
    await vi.waitFor(() => expect(inner.delivered).toEqual(['a']));
    expect(buffer.exportStats()).toMatchObject({ failedAttempts: 1, retried: 1, exported: 1 });
    expect(buffer.exportStats().lastError).toBe('export attempt timed out');
  });
});

describe('isRetryableExportError', () => {
  it('retries network errors, HTTP 408/429/502/503/504 and the retryable gRPC codes only', () => {
    const withCode = (code: number) => Object.assign(new Error('x'), { code });
    const retryable = (codes: number[]) => codes.map((c) => isRetryableExportError(withCode(c)));
    expect(isRetryableExportError(new Error('socket hang up'))).toBe(true);
    expect(retryable([408, 429, 502, 503, 504])).toEqual([true, true, true, true, true]);
    expect(retryable([400, 401, 404, 413, 500, 501, 505])).toEqual([false, false, false, false, false, false, false]);
    expect(retryable([1, 4, 8, 10, 11, 14, 15])).toEqual([true, true, true, true, true, true, true]);
    expect(retryable([2, 3, 7, 12, 13, 16])).toEqual([false, false, false, false, false, false]);
  });

  it('treats one backend failure the same over HTTP and gRPC', () => {
    const withCode = (code: number) => Object.assign(new Error('x'), { code });
    // [HTTP status, the gRPC code a gateway maps it to]: internal error, unavailable, overloaded, timeout.
    const pairs: [number, number][] = [
      [500, 13],
      [503, 14],
      [429, 8],
      [504, 4],
    ];
    for (const [http, grpc] of pairs)
      expect(isRetryableExportError(withCode(http)), `HTTP ${http} vs gRPC ${grpc}`).toBe(
        isRetryableExportError(withCode(grpc)),
      );
    expect(isRetryableExportError(new ExportFailure('x', { retryable: false, code: 503 }))).toBe(false);
  });
});
