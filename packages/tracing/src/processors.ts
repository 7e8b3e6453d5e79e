import type { Context } from '@opentelemetry/api';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { type AgentOpsExporterOptions, createAgentOpsExporter } from './agentops-exporter.js';
import { type ConsoleExporterOptions, ConsoleWaterfallProcessor } from './console-processor.js';
import { positiveOr, readEnv, readEnvNumber } from './env.js';
import { type FileExporterOptions, FileSpanExporter } from './file-exporter.js';
import { createOtlpExporter, type OtlpExporterOptions } from './otlp.js';
import { type ExportStats, emptyExportStats } from './retry-buffer.js';

/** Batching of spans before export (a bounded queue in front of the exporter). */
export interface BatchOptions {
  /** Most spans waiting for export; beyond it new spans are dropped (and counted by the SDK). @default `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048 */
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
  const maxQueueSize = Math.floor(positiveOr(options.maxQueueSize ?? readEnvNumber('OTEL_BSP_MAX_QUEUE_SIZE'), 2048));
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

/**
 * A `BatchSpanProcessor` whose `forceFlush()` also flushes the exporter (so that it waits for delivery, including
 * spans held for retry) and that reports the exporter's {@link ExportStats}.
 */
export class BufferedBatchSpanProcessor implements SpanProcessor {
  private readonly batch: BatchSpanProcessor;
  private readonly exporter: SpanExporter;

  /** Batches spans for `exporter`; see {@link BatchOptions} for the defaults. */
  constructor(exporter: SpanExporter, options: BatchOptions = {}) {
    this.exporter = exporter;
    this.batch = new BatchSpanProcessor({ exporter, ...resolveBatchOptions(options) });
  }

  /** Nothing to do when a span starts. */
  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  /** Queues the span (synchronous, O(1)). */
  onEnd(span: ReadableSpan): void {
    this.batch.onEnd(span);
  }

  /** Exports what is queued and waits for delivery (one attempt for spans held for retry). Never rejects. */
  async forceFlush(): Promise<void> {
    try {
      await this.batch.forceFlush();
    } catch {
      // A failed batch is counted by the exporter; flushing must not throw into the app.
    }
    try {
      await this.exporter.forceFlush?.();
    } catch {
      // Same as above.
    }
  }

  /** Flushes, then shuts the exporter down (spans still unsent are dropped and reported). */
  async shutdown(): Promise<void> {
    try {
      await this.batch.shutdown();
    } catch {
      // Shutting down must not throw into the app.
    }
  }

  /** The exporter's counters (zeros for exporters without a retry buffer). */
  exportStats(): ExportStats {
    return hasStats(this.exporter) ? this.exporter.exportStats() : emptyExportStats();
  }
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
