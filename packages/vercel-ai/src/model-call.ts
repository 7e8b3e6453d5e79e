import { ATTR, type CallHandle, type CallStartEvent, type LlmSpanRecorder } from '@agentops/llm-callback-core';
import { copyFields, field } from '@agentops/llm-callback-core/adapter-kit';
import { type Context, context, createContextKey } from '@opentelemetry/api';
import { type MappedEnd, mapError, mapGenerateResult, mapServer } from './map-result.js';
import { StreamAccumulator } from './map-stream.js';

/*
 * One provider call (a `doGenerate` or `doStream` attempt) recorded as one LLM span. The middleware and the ai@7
 * telemetry integration both run provider calls through here, so a call is mapped the same way whichever records it.
 */

/**
 * Set in the context in which `AgentOpsTelemetry` runs a provider call it records. A middleware that finds it records
 * nothing, so a call gets one LLM span when both are in use. `createContextKey` is `Symbol.for`-based: ESM and CJS
 * copies of this package agree on it.
 */
export const RECORDED_CALL_KEY = createContextKey('@agentops/vercel-ai recorded model call');

/** Whether the active context is inside a provider call that `AgentOpsTelemetry` already records. */
export function isRecordedCall(): boolean {
  try {
    return context.active().getValue(RECORDED_CALL_KEY) !== undefined;
  } catch {
    return false;
  }
}

/** A started provider call. */
export interface ModelCall {
  readonly handle: CallHandle;
  /** The context with the call's span active, in which the provider is called. */
  context: Context | undefined;
  /** How many earlier attempts sent the same request (0: first, or not known; not recorded). */
  readonly attempt: number;
  readonly accumulator: StreamAccumulator;
  /** The result's `request` (its `url` gives `server.address`), once the provider answered. */
  request: unknown;
  /** Ends the call successfully, in place of `handle.end` (the integration adds the SDK's own figures first). */
  complete?: (end: MappedEnd) => void;
  /** Applied to every end, partial and snapshot event (the integration drops outputs the app asked not to record). */
  shape?: (end: MappedEnd) => MappedEnd;
}

/**
 * Starts the LLM span of one provider call. Its `snapshot` hands the core what a stream produced so far, for a call
 * that ends without an end event (idle timeout, parent or session ended). `undefined` when nothing can be recorded.
 * The event is the caller's fresh object: its `snapshot` is set here.
 */
export function startModelCall(recorder: LlmSpanRecorder, event: CallStartEvent, attempt = 0): ModelCall | undefined {
  try {
    event.snapshot = () => details(call, call.accumulator.result());
    const handle = recorder.startCall(event);
    const call: ModelCall = {
      handle,
      context: recorder.contextFor(handle.key),
      attempt,
      accumulator: new StreamAccumulator(handle.recordsContent),
      request: undefined,
    };
    return call;
  } catch {
    return undefined;
  }
}

/**
 * Runs the provider call in the call's context and records its outcome: a generate result at once, a stream result
 * (`{stream}`) through {@link tapStream}; a rejection as an error (rethrown unchanged).
 */
export async function runModelCall<R>(call: ModelCall, execute: () => PromiseLike<R>, signal?: unknown): Promise<R> {
  let result: R;
  try {
    result = await (call.context === undefined ? execute() : context.with(call.context, execute));
  } catch (error) {
    failModelCall(call, error);
    throw error;
  }
  let stream: unknown;
  // Direct reads, field by field only if one throws (see `copyFields`).
  try {
    ({ request: call.request, stream } = result as { request?: unknown; stream?: unknown });
  } catch {
    ({ request: call.request, stream } = copyFields<{ request?: unknown; stream?: unknown }>(result, RESULT_KEYS));
  }
  if (stream !== undefined) return tapStream(result, call, signal);
  // A result that cannot be mapped still ends its span (without the unreadable data): never left for the TTL.
  let end: MappedEnd;
  try {
    end = details(call, mapGenerateResult(result, call.handle.recordsContent));
  } catch {
    end = guard(() => details(call, {})) ?? {};
  }
  completeModelCall(call, end);
  return result;
}

/**
 * Ends the call successfully through `complete`; if that throws, ends its handle directly (a second end of an ended
 * call is a no-op in the core), so the span ends once whatever the recording code does.
 */
export function completeModelCall(call: ModelCall, end: MappedEnd): void {
  try {
    if (call.complete === undefined) call.handle.end(end);
    else call.complete(end);
  } catch {
    guard(() => call.handle.end(end));
  }
}

/** Ends the call as failed, with whatever it produced before (`partial`). */
export function failModelCall(call: ModelCall, error: unknown, partial?: MappedEnd): void {
  guard(() =>
    call.handle.fail({
      error,
      errorInfo: mapError(error),
      ...(call.attempt > 0 && { retry: { attempt: call.attempt } }),
      ...(partial !== undefined && { partial }),
    }),
  );
}

/** What the call knows besides the model's output: the endpoint and a retry's attempt number; then `shape`. */
export function details(call: ModelCall, end: MappedEnd): MappedEnd {
  const server = call.request === undefined ? undefined : mapServer(call.request);
  if (server === undefined && call.attempt === 0) return call.shape ? call.shape(end) : end;
  const attributes = { ...end.attributes };
  if (server !== undefined) {
    attributes[ATTR.SERVER_ADDRESS] = server.address;
    if (server.port !== undefined) attributes[ATTR.SERVER_PORT] = server.port;
  }
  if (call.attempt > 0) attributes[ATTR.RETRY_ATTEMPT] = call.attempt;
  const full = Object.keys(attributes).length > 0 ? { ...end, attributes } : end;
  return call.shape ? call.shape(full) : full;
}

/**
 * Pipes the model stream through one synchronous pass-through transform: each part is enqueued first, then
 * counted (`chunk()` for output parts, `touch()` for framing and keep-alive parts) and accumulated in O(1). The span
 * ends once, on whichever comes first: the end of the stream (`flush`), a cancel or stream error (`cancel`), the
 * call's abort signal, or the core's idle timeout for a stream nobody reads any more (then with the snapshot).
 */
function tapStream<R>(result: R, call: ModelCall, signal: unknown): R {
  const stream = field(result, 'stream');
  const abortSignal = isAbortSignal(signal) ? signal : undefined;
  const accumulator = call.accumulator;
  let ended = false;
  const finish = (cancelled: boolean, reason?: unknown): void => {
    if (ended) return;
    ended = true;
    guard(() => abortSignal?.removeEventListener('abort', onAbort));
    const end = guard(() => details(call, accumulator.result())) ?? {};
    if (cancelled && !accumulator.finished) {
      const error = reason ?? guard(() => (abortSignal?.aborted ? abortSignal.reason : undefined));
      failModelCall(call, error ?? cancellation(), end);
    } else if (accumulator.hasError) {
      failModelCall(call, accumulator.error, end);
    } else {
      completeModelCall(call, end);
    }
  };
  const onAbort = (): void =>
    finish(
      true,
      guard(() => abortSignal?.reason),
    );
  // `cancel` (the readable side was cancelled, or the source errored) is newer than TypeScript's DOM types.
  const transformer: Transformer<unknown, unknown> & { cancel?: (reason: unknown) => void } = {
    transform(part, controller) {
      controller.enqueue(part);
      try {
        if (accumulator.add(part)) call.handle.chunk();
        else call.handle.touch();
      } catch {
        // Recording never affects the stream.
      }
    },
    flush() {
      finish(false);
    },
    cancel(reason) {
      finish(true, reason);
    },
  };
  let tapped: R | undefined;
  if (isReadableStream(stream)) {
    // The result is copied before the stream is piped (a literal's spread runs first): if copying throws, the
    // original stream is not locked yet and the result goes back untouched.
    tapped = guard(() => ({ ...result, stream: stream.pipeThrough(new TransformStream(transformer)) }));
  }
  if (tapped === undefined) {
    // Not a stream we can pipe: hand the result back as it is and end the span with what is known.
    finish(false);
    return result;
  }
  guard(() => abortSignal?.addEventListener('abort', onAbort, { once: true }));
  return tapped;
}

/** Runs recording code; a failure in it is ours and never reaches the app. */
export function guard<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

/** The error recorded for a stream cancelled without a reason. */
export function cancellation(): Error {
  const error = new Error('The stream was cancelled before it finished');
  error.name = 'AbortError';
  return error;
}

function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return typeof field(value, 'pipeThrough') === 'function';
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof field(value, 'addEventListener') === 'function' && typeof field(value, 'removeEventListener') === 'function'
  );
}

const RESULT_KEYS = ['request', 'stream'];

/** Unique keys per instance: a prefix, a random id and a counter, with no global state. */
export function keyGenerator(prefix: string): () => string {
  const id = randomId();
  let counter = 0;
  return () => `${prefix}:${id}:${++counter}`;
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
