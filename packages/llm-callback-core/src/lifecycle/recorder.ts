import { type Context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type ResolvedConfig, resolveConfig } from '../config.js';
import { failureCounter, reportFailure } from '../internal/diag.js';
import { copyFields, field, readArray, readCount, readString } from '../internal/read.js';
import { nowMillis, toEpochMillis } from '../internal/time.js';
import { AttributeSink, SpanAttributeSink } from '../mapping/attributes.js';
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
import { closeEntry, entryContext, isTracingSuppressed, registerEntry, resolveParent } from './entries.js';
import {
  type Entry,
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
   * The adapter makes every key unique (a counter, a random id) and never sends an event for an ended key again:
   * then ended keys are not remembered for duplicate detection, which saves two map operations per call.
   * `hasEnded` is always `false` then. @default false
   */
  uniqueKeys?: boolean;
  /**
   * Called (guarded) after every entry of this recorder ends, sampled or not, however it ended, so an adapter can
   * drop its own per-key state at the same moment.
   */
  onEntryEnd?: (key: string) => void;
}

type OutcomeKind = 'end' | 'error';
type OutcomeEvent = CallEndEvent | RunEndEvent | CallErrorEvent | RunErrorEvent;

interface PendingEnd {
  kind: OutcomeKind;
  event: OutcomeEvent;
  endMs: number;
  timer: ReturnType<typeof setTimeout>;
}

const NO_EVENT: Readonly<Record<string, never>> = Object.freeze({});

/**
 * One open call or run of a recorder: its registry entry, the start event, stream timing, a pending merged end and,
 * for calls, the handle adapters hold. One object per call, so that recording a call allocates little.
 */
class RecordedEntry implements Entry, StreamTiming, CallHandle {
  parent: Entry | undefined;
  children: Set<Entry> | undefined = undefined;
  lastActivityMs: number;
  ended = false;
  chunkCount = 0;
  firstChunkMs: number | undefined = undefined;
  lastChunkMs: number | undefined = undefined;
  maxGapMs = 0;
  pending: PendingEnd | undefined = undefined;
  /** `performance.timeOrigin`, read once per call rather than once per chunk (it is an accessor). */
  readonly timeOrigin = performance.timeOrigin;
  private ownContext: Context | undefined = undefined;

  constructor(
    readonly recorder: Recorder,
    readonly key: string,
    readonly kind: 'llm' | RunKind,
    readonly span: Span,
    readonly recording: boolean,
    private readonly parentContext: Context,
    parent: Entry | undefined,
    readonly startMs: number,
    now: number,
    readonly ttlMs: number,
    readonly capture: ContentCapture,
    readonly sessionId: string | undefined,
    readonly start: CallStartEvent | RunStartEvent,
    /** The request messages as captured at start (calls that record content only). */
    readonly messages: unknown,
  ) {
    this.parent = parent;
    this.lastActivityMs = now;
  }

  get owner(): OwnerStats {
    return this.recorder.owner;
  }

  get state(): this {
    return this;
  }

  get recordsContent(): boolean {
    return this.recording && this.capture !== 'none';
  }

  /** The context with this entry's span active, made on first use: most calls never have children. */
  get context(): Context {
    let context = this.ownContext;
    if (context === undefined) {
      context = entryContext(this.parentContext, this);
      this.ownContext = context;
    }
    return context;
  }

  finishIncomplete(_entry: Entry, reason: string, endMs: number): void {
    const pending = this.pending;
    if (pending) {
      // A merge window was open: what arrived is complete, so end it normally.
      clearTimeout(pending.timer);
      this.pending = undefined;
      this.recorder.finish(this, pending.kind, pending.event, pending.endMs, undefined);
      return;
    }
    this.recorder.finish(this, undefined, undefined, endMs, reason);
  }

  chunk(time?: number): void {
    if (!this.ended) recordChunkOn(this, time);
  }

  touch(): void {
    if (!this.ended) this.lastActivityMs = nowMillis();
  }

  end(event?: Omit<CallEndEvent, 'key'>, options?: EndOptions): void {
    this.recorder.settleEntry(this, 'end', (event ?? NO_EVENT) as CallEndEvent, options, 'end');
  }

  fail(event?: Omit<CallErrorEvent, 'key'>): void {
    this.recorder.settleEntry(this, 'error', (event ?? NO_EVENT) as CallErrorEvent, undefined, 'fail');
  }
}

const DEAD_HANDLE: CallHandle = Object.freeze({
  key: '',
  recordsContent: false,
  chunk() {},
  touch() {},
  end() {},
  fail() {},
});

/** The handle of a duplicate start: its end and failure go by key to whatever is open under that key. */
class KeyHandle implements CallHandle {
  // The open call it reaches may record content.
  readonly recordsContent = true;

  constructor(
    readonly key: string,
    private readonly recorder: Recorder,
  ) {}

  chunk(): void {}

  touch(): void {}

  end(event?: Omit<CallEndEvent, 'key'>, options?: EndOptions): void {
    this.recorder.endCall({ ...event, key: this.key }, options);
  }

  fail(event?: Omit<CallErrorEvent, 'key'>): void {
    this.recorder.failCall({ ...event, key: this.key });
  }
}

// The hot path of streaming: O(1), no allocation.
function recordChunkOn(entry: RecordedEntry, time: number | undefined): void {
  const at = entry.timeOrigin + (typeof time === 'number' && Number.isFinite(time) ? time : performance.now());
  if (entry.chunkCount === 0) entry.firstChunkMs = at;
  else {
    const gap = at - (entry.lastChunkMs as number);
    if (gap > entry.maxGapMs) entry.maxGapMs = gap;
  }
  entry.lastChunkMs = at;
  entry.chunkCount++;
  entry.lastActivityMs = at;
}

function readKey(event: unknown): string | undefined {
  return keyOf(field(event, 'key'));
}

/** An outcome event's `endTime`: a read of its own, monomorphic where `field` (shared by every read) is not. */
function endTimeOf(event: OutcomeEvent): unknown {
  try {
    return (event as { endTime?: unknown }).endTime;
  } catch {
    return undefined;
  }
}

function keyOf(key: unknown): string | undefined {
  if (typeof key === 'string' && key.length > 0) return key;
  if (typeof key === 'number' && Number.isFinite(key)) return String(key);
  return undefined;
}

/** What `open` reads of a start event (calls and runs), read as `mapping/llm.ts` reads events (see `copyFields`). */
interface StartFields {
  key?: unknown;
  parentKey?: unknown;
  parentContext?: unknown;
  startTime?: unknown;
  captureContent?: unknown;
  idleTimeoutMs?: unknown;
  metadata?: unknown;
  operation?: unknown;
  provider?: unknown;
  model?: unknown;
  name?: unknown;
}

const START_KEYS = [
  'key',
  'parentKey',
  'parentContext',
  'startTime',
  'captureContent',
  'idleTimeoutMs',
  'metadata',
  'operation',
  'provider',
  'model',
  'name',
];

function startFields(event: unknown): StartFields {
  try {
    const fields = event as StartFields;
    return {
      key: fields.key,
      parentKey: fields.parentKey,
      parentContext: fields.parentContext,
      startTime: fields.startTime,
      captureContent: fields.captureContent,
      idleTimeoutMs: fields.idleTimeoutMs,
      metadata: fields.metadata,
      operation: fields.operation,
      provider: fields.provider,
      model: fields.model,
      name: fields.name,
    };
  } catch {
    return copyFields<StartFields>(event, START_KEYS);
  }
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
    this.owner = newOwnerStats(config.maxEntries, options.uniqueKeys !== true);
    const provider = config.tracerProvider ?? trace.getTracerProvider();
    this.onEntryEnd = typeof options.onEntryEnd === 'function' ? options.onEntryEnd : undefined;
    this.tracer = provider.getTracer(
      readString(options.instrumentationName) ?? '@agentops/llm-callback-core',
      readString(options.instrumentationVersion) ?? VERSION,
    );
  }

  get contentCapture(): ContentCapture {
    return this.config.disabled ? 'none' : this.config.capture;
  }

  startCall(event: CallStartEvent): CallHandle {
    try {
      const entry = this.open(event, 'llm');
      if (entry === null) return DEAD_HANDLE;
      return entry ?? new KeyHandle(readKey(event) as string, this);
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
      if (entry instanceof RecordedEntry && entry.kind === 'llm') recordChunkOn(entry, time);
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
    this.settle(event, 'end', options, 'endCall');
  }

  failCall(event: CallErrorEvent, options?: EndOptions): void {
    this.settle(event, 'error', options, 'failCall');
  }

  endRun(event: RunEndEvent, options?: EndOptions): void {
    this.settle(event, 'end', options, 'endRun');
  }

  failRun(event: RunErrorEvent, options?: EndOptions): void {
    this.settle(event, 'error', options, 'failRun');
  }

  isOpen(key: string): boolean {
    try {
      const entry = typeof key === 'string' ? this.registry.entries.get(key) : undefined;
      return entry !== undefined && !entry.ended;
    } catch (error) {
      reportFailure('isOpen', error);
      return false;
    }
  }

  hasEnded(key: string): boolean {
    try {
      return typeof key === 'string' && !this.isOpen(key) && wasRecentlyEnded(this.registry, key, nowMillis());
    } catch (error) {
      reportFailure('hasEnded', error);
      return false;
    }
  }

  contextFor(key: string): Context | undefined {
    try {
      const entry = typeof key === 'string' ? this.registry.entries.get(key) : undefined;
      return entry && !entry.ended ? entry.context : undefined;
    } catch (error) {
      reportFailure('contextFor', error);
      return undefined;
    }
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
  private open(event: CallStartEvent | RunStartEvent, kind: 'llm' | RunKind): RecordedEntry | null | undefined {
    if (this.config.disabled) return null;
    const fields = startFields(event);
    const key = keyOf(fields.key);
    if (key === undefined) {
      reportFailure('start', new TypeError('event.key must be a non-empty string'));
      return null;
    }
    const registry = this.registry;
    const now = nowMillis();
    if (registry.entries.has(key) || (this.owner.remembersEnded && wasRecentlyEnded(registry, key, now))) {
      this.owner.duplicates++;
      return undefined;
    }
    const parent = resolveParent(registry, fields.parentKey, fields.parentContext);
    if (isTracingSuppressed(parent.context)) return null;
    const startMs = toEpochMillis(fields.startTime) ?? now;
    const sink = new AttributeSink();
    let name: string;
    if (kind === 'llm') {
      llmStartAttributes(fields, this.config, sink);
      name = llmSpanName(fields, this.config);
    } else {
      name = readString(fields.name) ?? kind;
      runStartAttributes(kind, name, this.config, sink);
      name = runSpanName(kind, name, this.config);
    }
    const span = this.tracer.startSpan(
      name,
      { kind: kind === 'llm' ? SpanKind.CLIENT : SpanKind.INTERNAL, startTime: startMs, attributes: sink.values },
      parent.context,
    );
    const capture: ContentCapture = fields.captureContent === false ? 'none' : this.config.capture;
    const recording = span.isRecording();
    // The request messages are read (and copied, shallowly) now: frameworks may reuse and grow the array afterwards.
    // Nothing is read when no content is recorded or the span is not sampled.
    const messages = kind === 'llm' && capture !== 'none' && recording ? requestMessages(event) : undefined;
    const idle = readCount(fields.idleTimeoutMs);
    const metadataSession = fields.metadata === undefined ? undefined : readString(field(fields.metadata, 'sessionId'));
    const entry = new RecordedEntry(
      this,
      key,
      kind,
      span,
      recording,
      parent.context,
      parent.entry,
      startMs,
      now,
      idle !== undefined && idle > 0 ? idle : this.config.ttlMs,
      capture,
      metadataSession ?? parent.entry?.sessionId,
      event,
      messages,
    );
    registerEntry(registry, entry);
    return entry;
  }

  private settle(event: unknown, kind: OutcomeKind, options: EndOptions | undefined, where: string): void {
    try {
      if (this.config.disabled) return;
      const key = readKey(event);
      const entry = key === undefined ? undefined : this.registry.entries.get(key);
      if (key === undefined || entry === undefined || entry.ended) {
        if (key !== undefined && wasRecentlyEnded(this.registry, key, nowMillis())) this.owner.duplicates++;
        else this.owner.unknownKeys++;
        return;
      }
      // A session is ended through its handle, never by key.
      if (!(entry instanceof RecordedEntry)) {
        this.owner.unknownKeys++;
        return;
      }
      this.settleOpen(entry, kind, event as OutcomeEvent, options);
    } catch (error) {
      reportFailure(where, error);
    }
  }

  /** An end or failure through a call's handle: no lookup by key. */
  settleEntry(
    entry: RecordedEntry,
    kind: OutcomeKind,
    event: OutcomeEvent,
    options: EndOptions | undefined,
    where: string,
  ): void {
    try {
      if (entry.ended) this.owner.duplicates++;
      else this.settleOpen(entry, kind, event, options);
    } catch (error) {
      reportFailure(where, error);
    }
  }

  private settleOpen(
    entry: RecordedEntry,
    kind: OutcomeKind,
    event: OutcomeEvent,
    options: EndOptions | undefined,
  ): void {
    const now = nowMillis();
    const pending = entry.pending;
    if (pending) {
      if (pending.kind === kind) pending.event = mergeEvents(pending.event, event);
      else this.owner.duplicates++;
      return;
    }
    const endMs = toEpochMillis(endTimeOf(event)) ?? now;
    const windowMs = options === undefined ? undefined : readCount(field(options, 'mergeWindowMs'));
    if (windowMs !== undefined && windowMs > 0) {
      const timer = setTimeout(() => {
        const waiting = entry.pending;
        entry.pending = undefined;
        if (waiting) this.finish(entry, waiting.kind, waiting.event, waiting.endMs, undefined);
      }, windowMs);
      (timer as { unref?: () => void }).unref?.();
      entry.pending = { kind, event, endMs, timer };
      entry.lastActivityMs = now;
      return;
    }
    this.finish(entry, kind, event, endMs, undefined);
  }

  /**
   * Maps and ends one entry's span, exactly once. `kind` and `event` are the outcome (none when the entry ends
   * without an end event; then `incompleteReason` says why).
   */
  finish(
    entry: RecordedEntry,
    kind: OutcomeKind | undefined,
    event: OutcomeEvent | undefined,
    endMs: number,
    incompleteReason: string | undefined,
  ): void {
    if (!closeEntry(this.registry, entry, incompleteReason ?? 'parent_ended', endMs)) return;
    const span = entry.span;
    try {
      if (entry.recording) this.mapOnto(span, entry, kind, event, incompleteReason, endMs);
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
    entry: RecordedEntry,
    kind: OutcomeKind | undefined,
    event: OutcomeEvent | undefined,
    incompleteReason: string | undefined,
    endMs: number,
  ): void {
    const sink = new SpanAttributeSink(span);
    const error =
      kind === 'error' ? normalizeError(field(event, 'error'), field(event, 'errorInfo') as never) : undefined;
    const spanKind = entry.kind;
    if (error) sink.group('error', () => mapError(error, field(event, 'retry') as never, this.config, sink, spanKind));
    if (incompleteReason !== undefined) {
      sink.set(ATTR.INCOMPLETE, true);
      sink.set(ATTR.INCOMPLETE_REASON, incompleteReason);
    }
    if (entry.kind === 'llm') {
      const result =
        kind === undefined
          ? snapshotOf(entry.start)
          : kind === 'end'
            ? (event as CallEndEvent)
            : (field(event, 'partial') as Partial<CallEndEvent> | undefined);
      const record: LlmCallRecord = {
        start: entry.start as CallStartEvent,
        messages: entry.messages,
        result,
        startMs: entry.startMs,
        timing: entry,
        capture: entry.capture,
        sessionId: entry.sessionId,
      };
      mapLlmAttributes(record, this.config, sink);
    } else {
      const output = kind === 'end' ? field(event, 'output') : undefined;
      const lateInput = kind === undefined ? undefined : field(event, 'input');
      const start = entry.start as RunStartEvent;
      mapRunAttributes(
        {
          start:
            lateInput !== undefined && field(start, 'input') === undefined ? { ...start, input: lateInput } : start,
          kind: entry.kind,
          name: readString(field(start, 'name')) ?? entry.kind,
          output,
          hasOutput: output !== undefined,
          failed: error !== undefined,
          capture: entry.capture,
          sessionId: entry.sessionId,
        },
        this.config,
        sink,
      );
      const extra = kind === 'end' ? field(event, 'attributes') : undefined;
      sink.group('end attributes', () => mapExtraAttributes(extra, this.config, sink, entry.kind as RunKind));
    }
    if (error) recordError(span, error, this.config, entry, endMs);
    const enrich = this.config.enrichSpan;
    if (enrich) {
      const name: SpanEventName =
        incompleteReason !== undefined
          ? 'expired'
          : `${entry.kind === 'llm' ? 'call' : 'run'}.${kind === 'error' ? 'error' : 'end'}`;
      try {
        enrich(span, { name, key: entry.key, kind: entry.kind });
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
