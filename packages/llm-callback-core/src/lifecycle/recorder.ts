import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type ResolvedConfig, resolveConfig } from '../config.js';
import { failureCounter, reportFailure } from '../internal/diag.js';
import { field, readArray, readCount, readString } from '../internal/read.js';
import { nowMillis, toEpochMillis } from '../internal/time.js';
import { AttributeSink } from '../mapping/attributes.js';
import { mapError, type NormalizedError, normalizeError } from '../mapping/errors.js';
import {
  type LlmCallRecord,
  llmSpanName,
  llmStartAttributes,
  mapLlmAttributes,
  type StreamTiming,
} from '../mapping/llm.js';
import { mapExtraAttributes } from '../mapping/metadata.js';
import { mapRunAttributes, runKindOf, runSpanName, runStartAttributes } from '../mapping/run.js';
import { truncateText } from '../redaction/safe-json.js';
import { ATTR } from '../semconv.js';
import type {
  CallEndEvent,
  CallErrorEvent,
  CallHandle,
  CallStartEvent,
  ContentCapture,
  CoreOptions,
  EndOptions,
  LlmSpanRecorder,
  RecorderStats,
  RunEndEvent,
  RunErrorEvent,
  RunKind,
  RunStartEvent,
  SpanEventName,
} from '../types.js';
import { VERSION } from '../version.js';
import { closeEntry, isTracingSuppressed, registerEntry, resolveParent } from './entries.js';
import {
  type Entry,
  type EntryState,
  getRegistry,
  newOwnerStats,
  type OwnerStats,
  type Registry,
  wasRecentlyEnded,
} from './registry.js';

/** Options of {@link createLlmSpanRecorder}: the core's options plus who is recording. */
export interface RecorderOptions extends CoreOptions {
  /** Framework name recorded on every span (`agentops.framework`). */
  framework?: string;
  /** Instrumentation scope name of the tracer. @default '@agentops/llm-callback-core' */
  instrumentationName?: string;
  /** Instrumentation scope version. @default this package's version */
  instrumentationVersion?: string;
  /**
   * Called (guarded) after every entry of this recorder ends, sampled or not, however it ended, so an adapter can
   * drop its own per-key state at the same moment.
   */
  onEntryEnd?: (key: string) => void;
}

type Outcome =
  | { kind: 'end'; event: CallEndEvent | RunEndEvent }
  | { kind: 'error'; event: CallErrorEvent | RunErrorEvent };

interface PendingEnd {
  outcome: Outcome;
  endMs: number;
  timer: ReturnType<typeof setTimeout>;
}

/** Per-entry data: the start event, stream timing and a pending merged end. */
class EntryData implements EntryState, StreamTiming {
  chunkCount = 0;
  firstChunkMs: number | undefined = undefined;
  lastChunkMs: number | undefined = undefined;
  maxGapMs = 0;
  pending: PendingEnd | undefined = undefined;

  constructor(
    readonly recorder: Recorder,
    readonly start: CallStartEvent | RunStartEvent,
    readonly messages: unknown,
  ) {}

  finishIncomplete(entry: Entry, reason: string, endMs: number): void {
    const pending = this.pending;
    if (pending) {
      // A merge window was open: what arrived is complete, so end it normally.
      clearTimeout(pending.timer);
      this.pending = undefined;
      this.recorder.finish(entry, pending.outcome, pending.endMs, undefined);
      return;
    }
    this.recorder.finish(entry, undefined, endMs, reason);
  }
}

const DEAD_HANDLE: CallHandle = Object.freeze({
  key: '',
  chunk() {},
  touch() {},
  end() {},
  fail() {},
});

class Handle implements CallHandle {
  constructor(
    readonly key: string,
    private readonly recorder: Recorder,
    private readonly entry: Entry | undefined,
  ) {}

  chunk(time?: number): void {
    const entry = this.entry;
    if (entry !== undefined && !entry.ended) recordChunkOn(entry, time);
  }

  touch(): void {
    const entry = this.entry;
    if (entry !== undefined && !entry.ended) entry.lastActivityMs = nowMillis();
  }

  end(event?: Omit<CallEndEvent, 'key'>, options?: EndOptions): void {
    this.recorder.endCall({ ...event, key: this.key }, options);
  }

  fail(event?: Omit<CallErrorEvent, 'key'>): void {
    this.recorder.failCall({ ...event, key: this.key });
  }
}

// The hot path of streaming: O(1), no allocation.
function recordChunkOn(entry: Entry, time: number | undefined): void {
  const data = entry.state as EntryData;
  const at = typeof time === 'number' && Number.isFinite(time) ? performance.timeOrigin + time : nowMillis();
  if (data.chunkCount === 0) data.firstChunkMs = at;
  else {
    const gap = at - (data.lastChunkMs as number);
    if (gap > data.maxGapMs) data.maxGapMs = gap;
  }
  data.lastChunkMs = at;
  data.chunkCount++;
  entry.lastActivityMs = at;
}

function readKey(event: unknown): string | undefined {
  const key = field(event, 'key');
  if (typeof key === 'string' && key.length > 0) return key;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  return undefined;
}

function mergeEvents<T extends object>(first: T, later: T): T {
  const merged = { ...first } as Record<string, unknown>;
  for (const name of Object.keys(later)) {
    const value = field(later, name);
    const current = merged[name];
    if (current === undefined || current === null) merged[name] = value;
    else if (name === 'usage' || name === 'partial' || name === 'errorInfo' || name === 'retry') {
      if (value && typeof value === 'object') merged[name] = mergeEvents(current as object, value as object);
    }
  }
  return merged as T;
}

class Recorder implements LlmSpanRecorder {
  readonly registry: Registry = getRegistry();
  readonly owner: OwnerStats;
  private readonly tracer: Tracer;
  private readonly onEntryEnd: ((key: string) => void) | undefined;

  constructor(
    readonly config: ResolvedConfig,
    options: RecorderOptions,
  ) {
    this.owner = newOwnerStats(config.maxEntries);
    const provider = config.tracerProvider ?? trace.getTracerProvider();
    this.onEntryEnd = typeof options.onEntryEnd === 'function' ? options.onEntryEnd : undefined;
    this.tracer = provider.getTracer(
      readString(options.instrumentationName) ?? '@agentops/llm-callback-core',
      readString(options.instrumentationVersion) ?? VERSION,
    );
  }

  startCall(event: CallStartEvent): CallHandle {
    try {
      const entry = this.open(event, 'llm');
      if (entry === null) return DEAD_HANDLE;
      return new Handle(entry?.key ?? (readKey(event) as string), this, entry);
    } catch (error) {
      reportFailure('startCall', error);
      return DEAD_HANDLE;
    }
  }

  startRun(event: RunStartEvent): void {
    try {
      this.open(event, runKindOf(field(event, 'kind')));
    } catch (error) {
      reportFailure('startRun', error);
    }
  }

  recordChunk(key: string, time?: number): void {
    try {
      const entry = this.registry.entries.get(key);
      if (entry !== undefined && entry.kind === 'llm') recordChunkOn(entry, time);
    } catch (error) {
      reportFailure('recordChunk', error);
    }
  }

  touch(key: string): void {
    try {
      const entry = this.registry.entries.get(key);
      if (entry !== undefined && !entry.ended) entry.lastActivityMs = nowMillis();
    } catch (error) {
      reportFailure('touch', error);
    }
  }

  endCall(event: CallEndEvent, options?: EndOptions): void {
    this.settle(event, { kind: 'end', event }, options, 'endCall');
  }

  failCall(event: CallErrorEvent, options?: EndOptions): void {
    this.settle(event, { kind: 'error', event }, options, 'failCall');
  }

  endRun(event: RunEndEvent, options?: EndOptions): void {
    this.settle(event, { kind: 'end', event }, options, 'endRun');
  }

  failRun(event: RunErrorEvent, options?: EndOptions): void {
    this.settle(event, { kind: 'error', event }, options, 'failRun');
  }

  isOpen(key: string): boolean {
    const entry = typeof key === 'string' ? this.registry.entries.get(key) : undefined;
    return entry !== undefined && !entry.ended;
  }

  hasEnded(key: string): boolean {
    return typeof key === 'string' && !this.isOpen(key) && wasRecentlyEnded(this.registry, key, nowMillis());
  }

  contextFor(key: string): Context | undefined {
    const entry = typeof key === 'string' ? this.registry.entries.get(key) : undefined;
    return entry && !entry.ended ? entry.context : undefined;
  }

  endAll(reason = 'shutdown'): void {
    try {
      const now = nowMillis();
      for (const entry of [...this.registry.entries.values()]) {
        if (entry.owner === this.owner && !entry.ended) entry.state.finishIncomplete(entry, reason, now);
      }
    } catch (error) {
      reportFailure('endAll', error);
    }
  }

  stats(): RecorderStats {
    const { open, started, ended, duplicates, unknownKeys, expired, evicted } = this.owner;
    return {
      inFlight: open,
      started,
      ended,
      duplicates,
      unknownKeys,
      expired,
      evicted,
      internalErrors: failureCounter.count,
    };
  }

  /** Opens an entry. Returns `null` when nothing is recorded (disabled, suppressed, bad key), `undefined` for a duplicate. */
  private open(event: CallStartEvent | RunStartEvent, kind: 'llm' | RunKind): Entry | null | undefined {
    if (this.config.disabled) return null;
    const key = readKey(event);
    if (key === undefined) {
      reportFailure('start', new TypeError('event.key must be a non-empty string'));
      return null;
    }
    const registry = this.registry;
    const now = nowMillis();
    if (registry.entries.has(key) || wasRecentlyEnded(registry, key, now)) {
      this.owner.duplicates++;
      return undefined;
    }
    const parent = resolveParent(registry, field(event, 'parentKey'), field(event, 'parentContext'));
    if (isTracingSuppressed(parent.context)) return null;
    const startMs = toEpochMillis(field(event, 'startTime')) ?? now;
    const sink = new AttributeSink();
    let name: string;
    if (kind === 'llm') {
      llmStartAttributes(event as CallStartEvent, this.config, sink);
      name = llmSpanName(event as CallStartEvent, this.config);
    } else {
      name = readString(field(event, 'name')) ?? kind;
      runStartAttributes(kind, name, this.config, sink);
      name = runSpanName(kind, name, this.config);
    }
    const span = this.tracer.startSpan(
      name,
      { kind: kind === 'llm' ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: startMs, attributes: sink.values },
      parent.context,
    );
    const capture: ContentCapture = field(event, 'captureContent') === false ? 'none' : this.config.capture;
    // The request messages are read (and copied, shallowly) now: frameworks may reuse and grow the array afterwards.
    // Nothing is read when no content is recorded or the span is not sampled.
    const messages = kind === 'llm' && capture !== 'none' && span.isRecording() ? requestMessages(event) : undefined;
    const idle = readCount(field(event, 'idleTimeoutMs'));
    const metadataSession = readString(field(field(event, 'metadata'), 'sessionId'));
    const entry: Entry = {
      key,
      kind,
      owner: this.owner,
      span,
      context: trace.setSpan(parent.context, span),
      recording: span.isRecording(),
      parent: parent.entry,
      children: undefined,
      startMs,
      lastActivityMs: now,
      ttlMs: idle !== undefined && idle > 0 ? idle : this.config.ttlMs,
      capture,
      sessionId: metadataSession ?? parent.entry?.sessionId,
      ended: false,
      state: new EntryData(this, event, messages),
    };
    registerEntry(registry, entry);
    return entry;
  }

  private settle(event: unknown, outcome: Outcome, options: EndOptions | undefined, where: string): void {
    try {
      if (this.config.disabled) return;
      const key = readKey(event);
      const now = nowMillis();
      const entry = key === undefined ? undefined : this.registry.entries.get(key);
      if (key === undefined || entry === undefined || entry.ended) {
        if (key !== undefined && wasRecentlyEnded(this.registry, key, now)) this.owner.duplicates++;
        else this.owner.unknownKeys++;
        return;
      }
      const data = entry.state as EntryData;
      if (data.pending) {
        if (data.pending.outcome.kind === outcome.kind) {
          data.pending.outcome = {
            kind: outcome.kind,
            event: mergeEvents(data.pending.outcome.event, outcome.event),
          } as Outcome;
        } else this.owner.duplicates++;
        return;
      }
      const endMs = toEpochMillis(field(event, 'endTime')) ?? now;
      const windowMs = readCount(field(options, 'mergeWindowMs'));
      if (windowMs !== undefined && windowMs > 0) {
        const timer = setTimeout(() => {
          const pending = data.pending;
          data.pending = undefined;
          if (pending) this.finish(entry, pending.outcome, pending.endMs, undefined);
        }, windowMs);
        (timer as { unref?: () => void }).unref?.();
        data.pending = { outcome, endMs, timer };
        entry.lastActivityMs = now;
        return;
      }
      this.finish(entry, outcome, endMs, undefined);
    } catch (error) {
      reportFailure(where, error);
    }
  }

  /** Maps and ends one entry's span, exactly once. `incompleteReason` is set when no end event arrived. */
  finish(entry: Entry, outcome: Outcome | undefined, endMs: number, incompleteReason: string | undefined): void {
    if (!closeEntry(this.registry, entry, incompleteReason ?? 'parent_ended', endMs)) return;
    const span = entry.span;
    try {
      if (entry.recording) this.mapOnto(span, entry, outcome, incompleteReason, endMs);
    } catch (error) {
      reportFailure('mapping', error);
    }
    try {
      span.end(Math.max(endMs, entry.startMs));
    } catch (error) {
      reportFailure('span.end', error);
    }
    if (this.onEntryEnd) {
      try {
        this.onEntryEnd(entry.key);
      } catch (error) {
        reportFailure('onEntryEnd hook', error);
      }
    }
  }

  private mapOnto(
    span: Span,
    entry: Entry,
    outcome: Outcome | undefined,
    incompleteReason: string | undefined,
    endMs: number,
  ): void {
    const data = entry.state as EntryData;
    const sink = new AttributeSink();
    const error =
      outcome?.kind === 'error'
        ? normalizeError(field(outcome.event, 'error'), field(outcome.event, 'errorInfo') as never)
        : undefined;
    const spanKind = entry.kind === 'session' ? 'chain' : entry.kind;
    if (error)
      sink.group('error', () => mapError(error, field(outcome?.event, 'retry') as never, this.config, sink, spanKind));
    if (incompleteReason !== undefined) {
      sink.set(ATTR.INCOMPLETE, true);
      sink.set(ATTR.INCOMPLETE_REASON, incompleteReason);
    }
    if (entry.kind === 'llm') {
      const result =
        outcome === undefined
          ? snapshotOf(data.start)
          : outcome.kind === 'end'
            ? (outcome.event as CallEndEvent)
            : (field(outcome.event, 'partial') as Partial<CallEndEvent> | undefined);
      const record: LlmCallRecord = {
        start: data.start as CallStartEvent,
        messages: data.messages,
        result,
        startMs: entry.startMs,
        timing: data,
        capture: entry.capture,
        sessionId: entry.sessionId,
      };
      mapLlmAttributes(record, this.config, sink);
    } else if (entry.kind !== 'session') {
      const output = outcome?.kind === 'end' ? field(outcome.event, 'output') : undefined;
      const lateInput = outcome === undefined ? undefined : field(outcome.event, 'input');
      const start = data.start as RunStartEvent;
      mapRunAttributes(
        {
          start:
            lateInput !== undefined && field(start, 'input') === undefined ? { ...start, input: lateInput } : start,
          kind: entry.kind,
          name: readString(field(data.start, 'name')) ?? entry.kind,
          output,
          hasOutput: output !== undefined,
          failed: error !== undefined,
          capture: entry.capture,
          sessionId: entry.sessionId,
        },
        this.config,
        sink,
      );
      const extra = outcome?.kind === 'end' ? field(outcome.event, 'attributes') : undefined;
      sink.group('end attributes', () => mapExtraAttributes(extra, this.config, sink, entry.kind as RunKind));
    }
    span.setAttributes(sink.values);
    if (error) recordError(span, error, this.config, entry, endMs);
    const enrich = this.config.enrichSpan;
    if (enrich) {
      const name: SpanEventName =
        incompleteReason !== undefined
          ? 'expired'
          : `${entry.kind === 'llm' ? 'call' : 'run'}.${outcome?.kind === 'error' ? 'error' : 'end'}`;
      try {
        enrich(span, { name, key: entry.key, kind: entry.kind === 'session' ? 'chain' : entry.kind });
      } catch (hookError) {
        reportFailure('enrichSpan hook', hookError);
      }
    }
  }
}

function requestMessages(event: unknown): readonly unknown[] | undefined {
  const messages = field(event, 'messages');
  const build = field(event, 'buildMessages');
  if (messages !== undefined || typeof build !== 'function') return readArray(messages)?.slice();
  try {
    return readArray(build());
  } catch (error) {
    reportFailure('messages builder', error);
    return undefined;
  }
}

/** What a call produced before it ended without an end event, from the adapter's snapshot hook. */
function snapshotOf(start: unknown): Partial<CallEndEvent> | undefined {
  const snapshot = field(start, 'snapshot');
  if (typeof snapshot !== 'function') return undefined;
  try {
    const result: unknown = snapshot();
    return result !== null && typeof result === 'object' ? (result as Partial<CallEndEvent>) : undefined;
  } catch (error) {
    reportFailure('snapshot hook', error);
    return undefined;
  }
}

function recordError(span: Span, error: NormalizedError, config: ResolvedConfig, entry: Entry, endMs: number): void {
  const context = {
    attribute: 'exception.message',
    spanKind: entry.kind === 'session' ? ('chain' as const) : entry.kind,
  };
  const message = truncateText(config.redactor.redactText(error.message, context), 4096);
  const stack = error.stack ? truncateText(config.redactor.redactText(error.stack, context), 8192) : undefined;
  // Stamped with the end time: events ingested after the fact must not fall after their span's end.
  span.recordException({ name: error.type, message, ...(stack ? { stack } : {}) }, Math.max(endMs, entry.startMs));
  span.setStatus({ code: SpanStatusCode.ERROR, message: message ? `${error.type}: ${message}` : error.type });
}

/**
 * Creates a recorder: the one object adapters use to turn framework events into spans.
 *
 * @example
 * ```ts
 * const recorder = createLlmSpanRecorder({ framework: 'my-framework' });
 * const call = recorder.startCall({ key: 'call-1', provider: 'openai', model: 'gpt-4.1', messages });
 * for await (const chunk of stream) call.chunk();
 * call.end({ outputs, usage: { inputTokens: 12, outputTokens: 40 }, finishReasons: ['stop'] });
 * ```
 */
export function createLlmSpanRecorder(options: RecorderOptions = {}): LlmSpanRecorder {
  let safeOptions: RecorderOptions;
  try {
    safeOptions = typeof options === 'object' && options !== null ? options : {};
  } catch {
    safeOptions = {};
  }
  try {
    return new Recorder(resolveConfig(safeOptions), safeOptions);
  } catch (error) {
    reportFailure('createLlmSpanRecorder', error);
    return new Recorder(resolveConfig({ disabled: true }), {});
  }
}
