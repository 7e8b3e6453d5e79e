import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { userWarn } from './log.js';

/** Options of the bounded retry buffer that every network exporter of this package is wrapped in. */
export interface RetryBufferOptions {
  /**
   * How long a span may wait for a successful export, from when the buffer accepted it. Spans that failed to export
   * during an outage shorter than this are re-sent after it; older ones are dropped, counted and reported.
   * @default 60000
   */
  retryWindowMs?: number;
  /** Most spans held at once (waiting or in flight). Beyond it the oldest are dropped, counted and reported. @default 10000 */
  maxBufferedSpans?: number;
  /** Most spans sent in one export request; queued batches are merged up to this size. @default 512 */
  maxExportBatchSize?: number;
  /** First wait after a failed export; doubled after each further failure. @default 500 */
  initialBackoffMs?: number;
  /** Longest wait between attempts (never more than a fifth of the retry window). @default 5000 */
  maxBackoffMs?: number;
  /** An export attempt that has not reported back after this long counts as failed. @default 30000 */
  attemptTimeoutMs?: number;
  /** How often, at most, drops are reported through `diag` (the first one at once). @default 10000 */
  dropReportIntervalMs?: number;
  /** Name used in reports, e.g. `agentops` or `otlp`. @default 'exporter' */
  name?: string;
}

/** Why spans were dropped. */
export interface DroppedByReason {
  /** Still unsent when the retry window ran out. */
  expired: number;
  /** Over `maxBufferedSpans`. */
  overflow: number;
  /** Refused by the backend with an error that retrying cannot fix (e.g. HTTP 400 or 500, gRPC INTERNAL, a rejected API key). */
  rejected: number;
  /** Still buffered when the exporter was shut down. */
  shutdown: number;
  /** Over the batch processor's `maxQueueSize` (a burst the queue could not hold); counted by the processor. */
  queue: number;
}

/** Counters of one exporter (or, from `init()`, the sum over its exporters). */
export interface ExportStats {
  /** Spans the backend acknowledged. */
  exported: number;
  /** Spans sent again after a failed attempt (each re-send counts once). */
  retried: number;
  /** Spans given up on, for any reason (see `droppedBy`). Every drop is reported through `diag`. */
  dropped: number;
  /** Spans currently held: waiting for a retry, for an API token, or in flight. */
  buffered: number;
  /** Export attempts that failed. */
  failedAttempts: number;
  droppedBy: DroppedByReason;
  /** Message of the most recent failed attempt. */
  lastError?: string;
}

/**
 * An error an exporter can report to say precisely what the retry buffer should do with a batch. Other errors are
 * classified by their `code` (see {@link isRetryableExportError}): the transient failures of the OTLP specification
 * are retried on both transports, everything else with a code is permanent, errors without a code (network failures,
 * timeouts) are retried.
 */
export class ExportFailure extends Error {
  /** Retry the batch later (true) or drop it (false). */
  readonly retryable: boolean;
  /** The exporter already told the user about this failure, so the drop is counted but not reported again. */
  readonly reported: boolean;
  /** HTTP status or gRPC code, when there is one. */
  readonly code?: number;

  constructor(message: string, options: { retryable: boolean; reported?: boolean; code?: number }) {
    super(message);
    this.name = 'ExportFailure';
    this.retryable = options.retryable;
    this.reported = options.reported ?? false;
    if (options.code !== undefined) this.code = options.code;
  }
}

/**
 * gRPC status codes the OTLP specification says to retry: CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED,
 * OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS. INTERNAL (13) and UNKNOWN (2) are not.
 */
const RETRYABLE_GRPC_CODES = new Set([1, 4, 8, 10, 11, 14, 15]);

/**
 * HTTP statuses retried: the OTLP specification's 429, 502, 503 and 504, plus 408 (the request timed out, as gRPC's
 * DEADLINE_EXCEEDED). Other 4xx and 5xx, including 500 (gRPC's INTERNAL), are permanent, as the specification says,
 * so that one backend failure is handled the same over HTTP and gRPC.
 */
const RETRYABLE_HTTP_STATUSES = new Set([408, 429, 502, 503, 504]);

interface Classified {
  ok: boolean;
  retryable: boolean;
  reported: boolean;
  message?: string;
}

function errorCode(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const code = errorCode(error);
    return code !== undefined && !error.message.includes(String(code))
      ? `${error.message} (code ${code})`
      : error.message;
  }
  return typeof error === 'string' ? error : 'unknown error';
}

/**
 * Decides whether a failed export is worth retrying, the same way for both transports: an {@link ExportFailure}
 * says so itself; an error without a code (network failure, timeout) is retried; HTTP 408, 429, 502, 503 and 504 and
 * the gRPC codes CANCELLED, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS
 * are retried (the OTLP specification's transient failures); any other code (HTTP 500, gRPC INTERNAL, 4xx, ...) is
 * permanent: the batch is dropped, counted as `rejected` and reported.
 */
export function isRetryableExportError(error: unknown): boolean {
  if (error instanceof ExportFailure) return error.retryable;
  const code = errorCode(error);
  if (code === undefined) return true;
  if (code >= 100) return RETRYABLE_HTTP_STATUSES.has(code);
  return RETRYABLE_GRPC_CODES.has(code);
}

function classify(result: ExportResult): Classified {
  if (result.code === ExportResultCode.SUCCESS) return { ok: true, retryable: false, reported: false };
  const error = result.error;
  return {
    ok: false,
    retryable: isRetryableExportError(error),
    reported: error instanceof ExportFailure && error.reported,
    message: errorMessage(error),
  };
}

interface Entry {
  spans: ReadableSpan[];
  /** Epoch ms after which the entry is dropped instead of sent. */
  deadline: number;
  /** Failed attempts so far. */
  attempts: number;
}

type DropReason = Exclude<keyof DroppedByReason, 'queue'>;

function formatWindow(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

function unrefTimer(timer: ReturnType<typeof setTimeout>): void {
  // Buffered spans must not keep a finished process alive; exit hooks flush them instead.
  if (typeof timer === 'object' && timer !== null && 'unref' in timer) timer.unref();
}

/**
 * A {@link SpanExporter} wrapper that keeps spans whose export failed and re-sends them, within a retry window and
 * a bound on buffered spans. It accepts every batch at once (so the batch processor, and the app, never wait for the
 * backend) and sends one request at a time, oldest spans first. Whatever it gives up on is counted in
 * {@link RetryingSpanExporter.exportStats} and reported through `diag`.
 *
 * @example
 * ```ts
 * const exporter = new RetryingSpanExporter(new OTLPTraceExporter(), { retryWindowMs: 120_000 });
 * const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
 * ```
 */
export class RetryingSpanExporter implements SpanExporter {
  private readonly inner: SpanExporter;
  private readonly windowMs: number;
  private readonly maxBuffered: number;
  private readonly maxBatch: number;
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly attemptTimeout: number;
  private readonly reportInterval: number;
  private readonly name: string;

  private readonly queue: Entry[] = [];
  private queuedSpans = 0;
  private inFlightSpans = 0;
  private sending: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private nextAttemptAt = 0;
  private backoff: number;
  private stopped = false;

  private readonly stats: Omit<ExportStats, 'buffered' | 'droppedBy'> = {
    exported: 0,
    retried: 0,
    dropped: 0,
    failedAttempts: 0,
  };
  private readonly droppedBy: DroppedByReason = { expired: 0, overflow: 0, rejected: 0, shutdown: 0, queue: 0 };
  private readonly unreported: DroppedByReason = { expired: 0, overflow: 0, rejected: 0, shutdown: 0, queue: 0 };
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;

  /** Wraps `inner`; see {@link RetryBufferOptions} for the defaults. */
  constructor(inner: SpanExporter, options: RetryBufferOptions = {}) {
    this.inner = inner;
    this.windowMs = positive(options.retryWindowMs, 60_000);
    this.maxBuffered = Math.floor(positive(options.maxBufferedSpans, 10_000));
    this.maxBatch = Math.floor(positive(options.maxExportBatchSize, 512));
    this.initialBackoff = positive(options.initialBackoffMs, 500);
    this.maxBackoff = Math.max(
      this.initialBackoff,
      Math.min(positive(options.maxBackoffMs, 5_000), Math.max(100, this.windowMs / 5)),
    );
    this.attemptTimeout = positive(options.attemptTimeoutMs, 30_000);
    this.reportInterval = positive(options.dropReportIntervalMs, 10_000);
    this.name = options.name ?? 'exporter';
    this.backoff = this.initialBackoff;
  }

  /** Accepts the batch at once; it is sent (and re-sent on failure) in the background. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) {
      this.drop(spans.length, 'shutdown', false);
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this.name} exporter is shut down`) });
      return;
    }
    this.enqueue(spans);
    resultCallback({ code: ExportResultCode.SUCCESS });
    this.pump();
  }

  /** Sends everything buffered now (one attempt, ignoring the backoff) and waits for it. Never rejects. */
  async forceFlush(): Promise<void> {
    try {
      if (this.sending !== undefined) await this.sending;
      if (this.queue.length > 0 && !this.stopped) {
        this.clearTimer();
        await this.startRun(true);
      }
      await this.inner.forceFlush?.();
    } catch {
      // A failed flush leaves spans buffered; they are retried or reported, never thrown into the app.
    }
  }

  /** Flushes once, drops (and reports) what could not be sent, then shuts the wrapped exporter down. */
  async shutdown(): Promise<void> {
    if (this.stopped) return;
    await this.forceFlush();
    this.stopped = true;
    this.clearTimer();
    const left = this.queuedSpans;
    this.queue.length = 0;
    this.queuedSpans = 0;
    if (left > 0) this.drop(left, 'shutdown', false);
    this.reportDrops();
    try {
      await this.inner.shutdown();
    } catch {
      // Shutting down must not throw into the app.
    }
  }

  /** Current counters. */
  exportStats(): ExportStats {
    const stats: ExportStats = {
      ...this.stats,
      buffered: this.queuedSpans + this.inFlightSpans,
      droppedBy: { ...this.droppedBy },
    };
    return stats;
  }

  private enqueue(spans: ReadableSpan[]): void {
    if (spans.length === 0) return;
    let batch = spans;
    let over = this.queuedSpans + this.inFlightSpans + batch.length - this.maxBuffered;
    if (over > 0) {
      let removed = 0;
      // Oldest waiting spans go first: they are also the closest to the end of their window.
      while (over > 0 && this.queue.length > 0) {
        const oldest = this.queue[0]!;
        if (oldest.spans.length <= over) {
          this.queue.shift();
          over -= oldest.spans.length;
          removed += oldest.spans.length;
        } else {
          oldest.spans = oldest.spans.slice(over);
          removed += over;
          over = 0;
        }
      }
      this.queuedSpans -= removed;
      if (over > 0) {
        // Spans in flight cannot be recalled, so the oldest of the new batch make room.
        const cut = Math.min(over, batch.length);
        batch = batch.slice(cut);
        removed += cut;
      }
      this.drop(removed, 'overflow', false);
      if (batch.length === 0) return;
    }
    this.queue.push({ spans: batch, deadline: Date.now() + this.windowMs, attempts: 0 });
    this.queuedSpans += batch.length;
  }

  private pump(): void {
    if (this.sending !== undefined || this.timer !== undefined || this.stopped) return;
    void this.startRun(false);
  }

  private startRun(force: boolean): Promise<void> {
    const run = this.run(force).finally(() => {
      if (this.sending === run) this.sending = undefined;
      if (this.queue.length > 0 && this.timer === undefined && !this.stopped) {
        const wait = this.nextAttemptAt - Date.now();
        if (wait > 0) this.armTimer(wait);
        else this.pump();
      }
    });
    this.sending = run;
    return run;
  }

  private async run(force: boolean): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      this.expire();
      if (this.queue.length === 0) break;
      if (!force && this.nextAttemptAt > Date.now()) break;

      const taken = this.take();
      let spanCount = 0;
      let resent = 0;
      const spans: ReadableSpan[] = [];
      for (const entry of taken) {
        spanCount += entry.spans.length;
        if (entry.attempts > 0) resent += entry.spans.length;
        for (const span of entry.spans) spans.push(span);
      }
      this.queuedSpans -= spanCount;
      this.inFlightSpans = spanCount;
      const result = await this.attempt(spans);
      this.inFlightSpans = 0;

      if (result.ok) {
        this.stats.exported += spanCount;
        this.stats.retried += resent;
        this.backoff = this.initialBackoff;
        this.nextAttemptAt = 0;
        continue;
      }
      this.stats.failedAttempts++;
      if (result.message !== undefined) this.stats.lastError = result.message;
      if (!result.retryable) {
        this.drop(spanCount, 'rejected', result.reported);
        continue;
      }
      for (let i = taken.length - 1; i >= 0; i--) {
        const entry = taken[i]!;
        entry.attempts++;
        this.queue.unshift(entry);
      }
      this.queuedSpans += spanCount;
      this.nextAttemptAt = Date.now() + this.nextBackoff();
      this.expire();
      if (force) break;
    }
  }

  /** Oldest entries, merged up to the batch size (at least one entry). */
  private take(): Entry[] {
    const taken: Entry[] = [];
    let size = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (taken.length > 0 && size + next.spans.length > this.maxBatch) break;
      this.queue.shift();
      taken.push(next);
      size += next.spans.length;
    }
    return taken;
  }

  private attempt(spans: ReadableSpan[]): Promise<Classified> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: Classified): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        resolve(outcome);
      };
      const timeout = setTimeout(() => {
        finish({ ok: false, retryable: true, reported: false, message: 'export attempt timed out' });
      }, this.attemptTimeout);
      unrefTimer(timeout);
      try {
        // The exporter's own network calls must not be traced.
        context.with(suppressTracing(context.active()), () => {
          this.inner.export(spans, (result) => finish(classify(result)));
        });
      } catch (error) {
        finish({ ok: false, retryable: true, reported: false, message: errorMessage(error) });
      }
    });
  }

  private nextBackoff(): number {
    const current = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.maxBackoff);
    const jitter = 0.8 + Math.random() * 0.4;
    return Math.min(current * jitter, this.maxBackoff);
  }

  private expire(): void {
    const now = Date.now();
    let expired = 0;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const entry = this.queue[i]!;
      if (entry.deadline <= now) {
        expired += entry.spans.length;
        this.queue.splice(i, 1);
      }
    }
    if (expired > 0) {
      this.queuedSpans -= expired;
      this.drop(expired, 'expired', false);
    }
  }

  private armTimer(delayMs: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delayMs);
    unrefTimer(this.timer);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private drop(count: number, reason: DropReason, alreadyReported: boolean): void {
    if (count <= 0) return;
    this.stats.dropped += count;
    this.droppedBy[reason] += count;
    if (alreadyReported) return;
    this.unreported[reason] += count;
    const wait = this.lastReportAt + this.reportInterval - Date.now();
    if (wait <= 0 || this.stopped) {
      this.reportDrops();
    } else if (this.reportTimer === undefined) {
      this.reportTimer = setTimeout(() => this.reportDrops(), wait);
      unrefTimer(this.reportTimer);
    }
  }

  /** Reports drops not yet reported, in one warning. */
  private reportDrops(): void {
    if (this.reportTimer !== undefined) {
      clearTimeout(this.reportTimer);
      this.reportTimer = undefined;
    }
    const u = this.unreported;
    const total = u.expired + u.overflow + u.rejected + u.shutdown;
    if (total === 0) return;
    const parts: string[] = [];
    if (u.expired > 0) parts.push(`${u.expired} still unsent after the ${formatWindow(this.windowMs)} retry window`);
    if (u.overflow > 0) parts.push(`${u.overflow} over the ${this.maxBuffered}-span buffer bound`);
    if (u.rejected > 0)
      parts.push(`${u.rejected} rejected by the backend (${this.stats.lastError ?? 'unknown error'})`);
    if (u.shutdown > 0) parts.push(`${u.shutdown} still unsent at shutdown`);
    userWarn(
      `${this.name} exporter dropped ${total} span${total === 1 ? '' : 's'}: ${parts.join(', ')}. ` +
        `${this.stats.dropped} dropped in total.` +
        (this.stats.lastError !== undefined ? ` Last export error: ${this.stats.lastError}.` : ''),
    );
    u.expired = 0;
    u.overflow = 0;
    u.rejected = 0;
    u.shutdown = 0;
    this.lastReportAt = Date.now();
  }
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Adds `b` to `a` (counters only), for summing the stats of several exporters. */
export function addExportStats(a: ExportStats, b: ExportStats): ExportStats {
  const sum: ExportStats = {
    exported: a.exported + b.exported,
    retried: a.retried + b.retried,
    dropped: a.dropped + b.dropped,
    buffered: a.buffered + b.buffered,
    failedAttempts: a.failedAttempts + b.failedAttempts,
    droppedBy: {
      expired: a.droppedBy.expired + b.droppedBy.expired,
      overflow: a.droppedBy.overflow + b.droppedBy.overflow,
      rejected: a.droppedBy.rejected + b.droppedBy.rejected,
      shutdown: a.droppedBy.shutdown + b.droppedBy.shutdown,
      queue: a.droppedBy.queue + b.droppedBy.queue,
    },
  };
  const lastError = b.lastError ?? a.lastError;
  if (lastError !== undefined) sum.lastError = lastError;
  return sum;
}

/** Stats with every counter at zero. */
export function emptyExportStats(): ExportStats {
  return {
    exported: 0,
    retried: 0,
    dropped: 0,
    buffered: 0,
    failedAttempts: 0,
    droppedBy: { expired: 0, overflow: 0, rejected: 0, shutdown: 0, queue: 0 },
  };
}
