import { type Context, context, TraceFlags } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace';
import { type AgentOpsExporterOptions, createAgentOpsExporter } from './agentops-exporter.js';
import { type ConsoleExporterOptions, ConsoleWaterfallProcessor } from './console-processor.js';
import { positiveOr, readEnv, readEnvNumber } from './env.js';
import { type FileExporterOptions, FileSpanExporter } from './file-exporter.js';
import { userWarn } from './log.js';
import { createOtlpExporter, type OtlpExporterOptions } from './otlp.js';
import { type ExportStats, emptyExportStats } from './retry-buffer.js';

/** Default {@link BatchOptions.maxQueueSize}: room for a large synchronous burst of ended spans. */
export const DEFAULT_MAX_QUEUE_SIZE = 16_384;

/** Batching of spans before export (a bounded queue in front of the exporter). */
export interface BatchOptions {
  /**
   * Most spans waiting in the batch queue; beyond it new spans are dropped, counted in `exportStats().droppedBy.queue`
   * and reported through `diag`. Larger than the OpenTelemetry default (2,048) so that a synchronous burst (a
   * 10,000-payload bridge batch, `endAll()`, a TTL sweep) fits even when the exporter answers asynchronously; with this
   * package's retry-buffered exporters, which accept batches at once, the queue drains as the burst happens and the
   * exporter's `maxBufferedSpans` is the bound that matters. Each queued span is an ended span, a few KB.
   * @default `OTEL_BSP_MAX_QUEUE_SIZE`, else 16384
   */
  maxQueueSize?: number;
  /** Most spans per export. @default `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, else 512 */
  maxExportBatchSize?: number;
  /** Delay between exports, in ms. @default `OTEL_BSP_SCHEDULE_DELAY`, else `AGENTOPS_EXPORT_FLUSH_INTERVAL`, else 1000 */
  scheduledDelayMillis?: number;
  /** Time limit of one export, in ms. @default `OTEL_BSP_EXPORT_TIMEOUT`, else 30000 */
  exportTimeoutMillis?: number;
}

/** Batching options completed from the environment and defaults. */
export function resolveBatchOptions(options: BatchOptions = {}): Required<BatchOptions> {
  const maxQueueSize = Math.floor(
    positiveOr(options.maxQueueSize ?? readEnvNumber('OTEL_BSP_MAX_QUEUE_SIZE'), DEFAULT_MAX_QUEUE_SIZE),
  );
  const maxExportBatchSize = Math.min(
    maxQueueSize,
    Math.floor(positiveOr(options.maxExportBatchSize ?? readEnvNumber('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'), 512)),
  );
  const scheduledDelayMillis = positiveOr(
    options.scheduledDelayMillis ??
      readEnvNumber('OTEL_BSP_SCHEDULE_DELAY') ??
      readEnvNumber('AGENTOPS_EXPORT_FLUSH_INTERVAL'),
    1000,
  );
  const exportTimeoutMillis = positiveOr(
    options.exportTimeoutMillis ?? readEnvNumber('OTEL_BSP_EXPORT_TIMEOUT'),
    30_000,
  );
  return { maxQueueSize, maxExportBatchSize, scheduledDelayMillis, exportTimeoutMillis };
}

/** An exporter that can report {@link ExportStats} (the retry-buffered exporters of this package). */
export interface StatsExporter extends SpanExporter {
  exportStats(): ExportStats;
}

function hasStats(exporter: SpanExporter): exporter is StatsExporter {
  return typeof (exporter as Partial<StatsExporter>).exportStats === 'function';
}

/** How often, at most, queue drops are reported through `diag` (a burst is one report). */
const DROP_REPORT_INTERVAL_MS = 10_000;

/** What a span's resource may hold when some of its attributes are still being detected. */
interface MaybeAsyncResource {
  asyncAttributesPending?: boolean;
  waitForAsyncAttributes?: () => Promise<void>;
}

/**
 * A batching span processor (bounded queue, batches, a delay) in front of `exporter`, with every drop counted and
 * reported. Unlike the SDK's `BatchSpanProcessor`, whose queue silently (`diag.debug`) drops what a synchronous burst
 * pushes past it, it hands full batches to the exporter at once, and keeps doing so within the burst while the exporter
 * answers synchronously (the retry-buffered exporters of this package do: they accept every batch at once, within
 * their own `maxBufferedSpans` bound). Spans over `maxQueueSize` are counted in `droppedBy.queue` and reported through
 * `diag`. Its `forceFlush()` also flushes the exporter, so that it waits for delivery (including spans held for
 * retry).
 */
export class BufferedBatchSpanProcessor implements SpanProcessor {
  private readonly exporter: SpanExporter;
  private readonly options: Required<BatchOptions>;
  private queue: ReadableSpan[] = [];
  /** A batch is with the exporter (one at a time). */
  private exporting = false;
  /** Spans handed to the exporter so far (bounds a flush to what was queued when it began). */
  private handedOff = 0;
  private idleWaiters: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private readonly dropped = { queue: 0, rejected: 0 };
  private unreported = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;
  private lastError: string | undefined;

  /** Batches spans for `exporter`; see {@link BatchOptions} for the defaults. */
  constructor(exporter: SpanExporter, options: BatchOptions = {}) {
    this.exporter = exporter;
    this.options = resolveBatchOptions(options);
  }

  /** Nothing to do when a span starts. */
  onStart(_span: Span, _parentContext: Context): void {}

  /** Queues a sampled span (synchronous); a full batch goes to the exporter at once. */
  onEnd(span: ReadableSpan): void {
    if (this.shutdownPromise !== undefined) return;
    try {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    } catch {
      return;
    }
    if (this.queue.length >= this.options.maxQueueSize) {
      this.drop(1, 'queue');
      return;
    }
    this.queue.push(span);
    if (this.queue.length >= this.options.maxExportBatchSize) this.pump(false);
    else this.armTimer();
  }

  /** Exports what is queued and waits for delivery (one attempt for spans held for retry). Never rejects. */
  async forceFlush(): Promise<void> {
    if (this.shutdownPromise !== undefined) return this.shutdownPromise;
    await this.flushQueue();
    try {
      await this.exporter.forceFlush?.();
    } catch {
      // A failed batch is counted by the exporter; flushing must not throw into the app.
    }
    this.reportDrops();
  }

  /** Flushes, then shuts the exporter down (spans still unsent are dropped and reported). Never rejects. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.flushQueue();
      this.clearTimer();
      try {
        await this.exporter.shutdown();
      } catch {
        // Shutting down must not throw into the app.
      }
      this.reportDrops();
    })();
    return this.shutdownPromise;
  }

  /**
   * The exporter's counters (zeros for exporters without a retry buffer) plus this processor's own drops: spans over
   * `maxQueueSize` (`droppedBy.queue`) and batches an exporter without a retry buffer failed (`droppedBy.rejected`).
   * `buffered` is the exporter's; spans waiting in the batch queue are not in it.
   */
  exportStats(): ExportStats {
    const stats = hasStats(this.exporter) ? this.exporter.exportStats() : emptyExportStats();
    const own = this.dropped.queue + this.dropped.rejected;
    const result: ExportStats = {
      ...stats,
      dropped: stats.dropped + own,
      droppedBy: {
        ...stats.droppedBy,
        queue: stats.droppedBy.queue + this.dropped.queue,
        rejected: stats.droppedBy.rejected + this.dropped.rejected,
      },
    };
    if (stats.lastError === undefined && this.lastError !== undefined) result.lastError = this.lastError;
    return result;
  }

  /** Exports everything queued when it was called, one batch at a time. */
  private async flushQueue(): Promise<void> {
    const target = this.handedOff + this.queue.length;
    while (this.handedOff < target && this.queue.length > 0) {
      if (this.exporting) await this.whenIdle();
      else this.pump(true);
    }
    if (this.exporting) await this.whenIdle();
  }

  /**
   * Hands queued batches to the exporter, one at a time: full ones only, or everything with `all`. It loops
   * synchronously while the exporter answers synchronously, so a burst moves on at once instead of filling the queue.
   */
  private pump(all: boolean): void {
    while (!this.exporting && this.queue.length > 0 && (all || this.queue.length >= this.options.maxExportBatchSize)) {
      this.clearTimer();
      const spans = this.queue.splice(0, this.options.maxExportBatchSize);
      this.handedOff += spans.length;
      this.exportBatch(spans);
    }
    if (!this.exporting && this.queue.length > 0) this.armTimer();
  }

  private exportBatch(spans: ReadableSpan[]): void {
    this.exporting = true;
    let synchronous = true;
    let settled = false;
    const finish = (result: ExportResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      if (result.code !== ExportResultCode.SUCCESS && !hasStats(this.exporter)) {
        // A retry-buffered exporter counts its own failures; any other exporter's failed batch is lost here.
        this.lastError = result.error instanceof Error ? result.error.message : 'export failed';
        this.drop(spans.length, 'rejected');
      }
      this.exporting = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
      // A synchronous answer returns to the loop in `pump`; an asynchronous one continues from here.
      if (!synchronous && this.shutdownPromise === undefined) this.pump(false);
    };
    const timeout = setTimeout(() => {
      finish({ code: ExportResultCode.FAILED, error: new Error('export timed out') });
    }, this.options.exportTimeoutMillis);
    unrefTimer(timeout);
    const send = (): void => {
      try {
        // The exporter's own network calls must not be traced.
        context.with(suppressTracing(context.active()), () => this.exporter.export(spans, finish));
      } catch (error) {
        finish({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error('export threw') });
      }
    };
    const pending = pendingResources(spans);
    if (pending.length === 0) send();
    else
      Promise.all(pending.map((resource) => resource.waitForAsyncAttributes?.())).then(send, () => {
        finish({ code: ExportResultCode.FAILED, error: new Error('resource attributes failed') });
      });
    synchronous = false;
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.exporting) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump(true);
    }, this.options.scheduledDelayMillis);
    unrefTimer(this.timer);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private drop(count: number, reason: 'queue' | 'rejected'): void {
    this.dropped[reason] += count;
    this.unreported += count;
    if (this.reportTimer !== undefined) return;
    // A synchronous burst drops span by span: one report after it, then at most one per interval.
    const wait = Math.max(0, this.lastReportAt + DROP_REPORT_INTERVAL_MS - Date.now());
    this.reportTimer = setTimeout(() => this.reportDrops(), wait);
    unrefTimer(this.reportTimer);
  }

  /** Reports drops not yet reported, in one warning. */
  private reportDrops(): void {
    if (this.reportTimer !== undefined) {
      clearTimeout(this.reportTimer);
      this.reportTimer = undefined;
    }
    if (this.unreported === 0) return;
    const count = this.unreported;
    const total = this.dropped.queue + this.dropped.rejected;
    this.unreported = 0;
    this.lastReportAt = Date.now();
    userWarn(
      `batch span processor: exporter dropped ${count} span${count === 1 ? '' : 's'} (over the ` +
        `${this.options.maxQueueSize}-span batch queue, maxQueueSize, or a failed export` +
        `${this.lastError !== undefined ? `: ${this.lastError}` : ''}). ${total} dropped here in total.`,
    );
  }
}

function pendingResources(spans: readonly ReadableSpan[]): MaybeAsyncResource[] {
  const pending = new Set<MaybeAsyncResource>();
  for (const span of spans) {
    const resource = span.resource as MaybeAsyncResource;
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) pending.add(resource);
  }
  return [...pending];
}

function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  // Queued spans must not keep a finished process alive; exit hooks flush them instead.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref();
}

/**
 * A batch processor sending to AgentOps (see `createAgentOpsExporter`), for your own tracer provider.
 *
 * @example
 * ```ts
 * import { TracerProvider } from '@opentelemetry/sdk-trace';
 * import { createAgentOpsSpanProcessor } from '@agentops/tracing';
 *
 * const provider = new TracerProvider({ spanProcessors: [mySpanProcessor, createAgentOpsSpanProcessor({ apiKey })] });
 * ```
 */
export function createAgentOpsSpanProcessor(
  options: AgentOpsExporterOptions & { batch?: BatchOptions } = {},
): BufferedBatchSpanProcessor {
  const batch = resolveBatchOptions(options.batch);
  const exporter = createAgentOpsExporter({ maxExportBatchSize: batch.maxExportBatchSize, ...options });
  return new BufferedBatchSpanProcessor(exporter, batch);
}

/**
 * A batch processor sending OTLP (gRPC by default, HTTP/protobuf when configured; see `createOtlpExporter`).
 *
 * @example
 * ```ts
 * new TracerProvider({ spanProcessors: [createOtlpSpanProcessor({ url: 'http://collector:4317' })] });
 * ```
 */
export function createOtlpSpanProcessor(
  options: OtlpExporterOptions & { batch?: BatchOptions } = {},
): BufferedBatchSpanProcessor {
  const batch = resolveBatchOptions(options.batch);
  const exporter = createOtlpExporter({ maxExportBatchSize: batch.maxExportBatchSize, ...options });
  return new BufferedBatchSpanProcessor(exporter, batch);
}

/**
 * A processor that prints each finished trace as a waterfall to the console.
 *
 * @example
 * ```ts
 * new TracerProvider({ spanProcessors: [createConsoleSpanProcessor()] });
 * ```
 */
export function createConsoleSpanProcessor(options: ConsoleExporterOptions = {}): ConsoleWaterfallProcessor {
  return new ConsoleWaterfallProcessor(options);
}

/** The file path to write: the argument, else `AGENTOPS_TRACE_FILE`, else `agentops-spans.jsonl`. */
export function resolveFilePath(path?: string): string {
  return path ?? readEnv('AGENTOPS_TRACE_FILE') ?? 'agentops-spans.jsonl';
}

/**
 * A batch processor appending one JSON span per line to a file.
 *
 * @example
 * ```ts
 * new TracerProvider({ spanProcessors: [createFileSpanProcessor('traces/spans.jsonl')] });
 * ```
 */
export function createFileSpanProcessor(
  pathOrOptions?: string | (FileExporterOptions & { batch?: BatchOptions }),
): BufferedBatchSpanProcessor {
  const options = typeof pathOrOptions === 'string' ? { path: pathOrOptions } : (pathOrOptions ?? {});
  return new BufferedBatchSpanProcessor(new FileSpanExporter(resolveFilePath(options.path)), options.batch);
}
