import { ATTR, type CallErrorEvent, type CallHandle, createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { type Context, context } from '@opentelemetry/api';
import { type ExtractedCallOptions, extractCallOptions, mapCallOptions, mergeMetadata } from './map-call-options.js';
import { type MappedEnd, mapError, mapGenerateResult, mapServer } from './map-result.js';
import { StreamAccumulator } from './map-stream.js';
import { field, readName } from './normalize.js';
import type { AgentOpsMiddleware, AgentOpsMiddlewareOptions } from './types.js';

const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

// Whether the SDK may retry the error (`APICallError.isRetryable`); not among the core's ATTR keys yet.
const ERROR_RETRYABLE = 'agentops.error.retryable';

/**
 * A started call: its handle, the context with its span active, and how many calls already sent the same prompt
 * array. The SDK re-sends a step's prompt array when it retries (all of generateText, and streamText in ai@5/6), so a
 * count above 0 is a retry; 0 is "first send, or not known" and is not recorded.
 */
interface StartedCall {
  handle: CallHandle;
  context: Context | undefined;
  attempt: number;
}

/**
 * AgentOps tracing for the Vercel AI SDK, as a language-model middleware: every provider call made through the
 * wrapped model, retries included, becomes one LLM span with the request (model, settings, prompt, tools), the
 * response (output, finish reason, usage with cache and reasoning tokens, response id and model) and errors.
 * Streams pass through untouched and unawaited; their span ends when the stream does, is cancelled, errors, or
 * sits idle for `streamIdleTimeoutMs`.
 *
 * The same object works with ai@5, ai@6 and ai@7 (V2, V3 and V4 models); per-call metadata goes in
 * `providerOptions.agentops` (see {@link AgentOpsCallOptions}).
 *
 * @example
 * ```ts
 * import { openai } from '@ai-sdk/openai';
 * import { generateText, wrapLanguageModel } from 'ai';
 * import { agentopsMiddleware } from '@agentops/vercel-ai';
 *
 * const model = wrapLanguageModel({ model: openai('gpt-4.1'), middleware: agentopsMiddleware() });
 * const { text } = await generateText({ model, prompt: 'Hello' });
 * ```
 * @see the package README for every option, the ai@5/6/7 story and how it combines with `@ai-sdk/otel`.
 */
export function agentopsMiddleware<V extends 'v3' | 'v4' = 'v3'>(
  options: AgentOpsMiddlewareOptions = {},
): AgentOpsMiddleware<V> {
  const { metadata, streamIdleTimeoutMs, ...coreOptions } = options;
  const recorder = createLlmSpanRecorder({ ...coreOptions, framework: 'vercel-ai' });
  const idleTimeoutMs =
    typeof streamIdleTimeoutMs === 'number' && streamIdleTimeoutMs > 0
      ? streamIdleTimeoutMs
      : DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  const nextKey = keyGenerator();
  // Per-call metadata taken out of `providerOptions` by transformParams, keyed by the params object it returned,
  // which is the very object wrapGenerate / wrapStream receive.
  const extracted = new WeakMap<object, ExtractedCallOptions<unknown>>();
  const attempts = new WeakMap<object, number>();

  function start(params: unknown, model: unknown, stream: boolean): StartedCall | undefined {
    try {
      // Each mapping step is guarded on its own: a payload that breaks one costs its attributes, not the span.
      const call = guard(() => (isObject(params) && extracted.get(params)) || extractCallOptions(params));
      const mapped = guard(() => mapCallOptions(params));
      const prompt = field(params, 'prompt');
      const attempt = isObject(prompt) ? (attempts.get(prompt) ?? 0) : 0;
      if (isObject(prompt)) attempts.set(prompt, attempt + 1);
      const key = nextKey();
      const handle = recorder.startCall({
        key,
        operation: 'chat',
        provider: readName(field(model, 'provider')),
        model: readName(field(model, 'modelId')),
        stream,
        ...mapped,
        metadata: mergeMetadata(metadata, call?.metadata),
        ...(call?.captureContent !== undefined && { captureContent: call.captureContent }),
        ...(stream && { idleTimeoutMs }),
      });
      return { handle, context: recorder.contextFor(key), attempt };
    } catch {
      return undefined;
    }
  }

  return {
    specificationVersion: 'v3' as V,

    async transformParams({ params }) {
      try {
        const call = extractCallOptions(params);
        if (call.params !== params && isObject(call.params)) extracted.set(call.params, call);
        return call.params;
      } catch {
        return params;
      }
    },

    async wrapGenerate({ doGenerate, params, model }) {
      const call = start(params, model, false);
      if (call === undefined) return await doGenerate();
      let result: Awaited<ReturnType<typeof doGenerate>>;
      try {
        result = await runIn(call.context, doGenerate);
      } catch (error) {
        fail(call, error);
        throw error;
      }
      guard(() => call.handle.end(withCallDetails(mapGenerateResult(result), field(result, 'request'), call)));
      return result;
    },

    async wrapStream({ doStream, params, model }) {
      const call = start(params, model, true);
      if (call === undefined) return await doStream();
      let result: Awaited<ReturnType<typeof doStream>>;
      try {
        result = await runIn(call.context, doStream);
      } catch (error) {
        fail(call, error);
        throw error;
      }
      return tapStream(result, call, field(params, 'abortSignal'));
    },
  };

  function fail(call: StartedCall, error: unknown, partial?: MappedEnd): void {
    guard(() => {
      const { retryable, ...errorInfo } = mapError(error);
      const event: Omit<CallErrorEvent, 'key'> = {
        error,
        errorInfo,
        ...(call.attempt > 0 && { retry: { attempt: call.attempt } }),
      };
      const attributes = { ...partial?.attributes, ...(retryable !== undefined && { [ERROR_RETRYABLE]: retryable }) };
      event.partial = { ...partial, attributes };
      call.handle.fail(event);
    });
  }

  /**
   * Pipes the model stream through one synchronous pass-through transform: each part is enqueued first, then
   * counted (`handle.chunk()` for output parts) and accumulated in O(1). The span ends once, on whichever comes first:
   * the end of the stream (`flush`), a cancel or stream error (`cancel`), the call's abort signal, or the core's idle
   * timeout for a stream nobody reads any more.
   */
  function tapStream<R>(result: R, call: StartedCall, signal: unknown): R {
    const stream = field(result, 'stream');
    const abortSignal = isAbortSignal(signal) ? signal : undefined;
    const accumulator = new StreamAccumulator();
    let ended = false;
    const finish = (cancelled: boolean, reason?: unknown): void => {
      if (ended) return;
      ended = true;
      guard(() => abortSignal?.removeEventListener('abort', onAbort));
      const end = guard(() => withCallDetails(accumulator.result(), field(result, 'request'), call)) ?? {};
      if (cancelled && !accumulator.finished) {
        const error = reason ?? guard(() => (abortSignal?.aborted ? abortSignal.reason : undefined));
        fail(call, error ?? cancellation(), end);
      } else if (accumulator.hasError) {
        fail(call, accumulator.error, end);
      } else {
        guard(() => call.handle.end(end));
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
      // Copy the result before piping: once piped, the original stream is locked and must not be handed back.
      const copy = guard(() => ({ ...result }));
      if (copy !== undefined)
        tapped = guard(() => ({ ...copy, stream: stream.pipeThrough(new TransformStream(transformer)) }));
    }
    if (tapped === undefined) {
      // Not a stream we can pipe: hand the result back as it is and end the span with what is known.
      finish(false);
      return result;
    }
    guard(() => abortSignal?.addEventListener('abort', onAbort, { once: true }));
    return tapped;
  }
}

/** Adds what the call itself knows: the endpoint (`request.url`) and, for a retry, its attempt number. */
function withCallDetails(end: MappedEnd, request: unknown, call: StartedCall): MappedEnd {
  const server = mapServer(request);
  const attributes = { ...end.attributes };
  if (server !== undefined) {
    attributes[ATTR.SERVER_ADDRESS] = server.address;
    if (server.port !== undefined) attributes[ATTR.SERVER_PORT] = server.port;
  }
  if (call.attempt > 0) attributes[ATTR.RETRY_ATTEMPT] = call.attempt;
  return Object.keys(attributes).length > 0 ? { ...end, attributes } : end;
}

function runIn<T>(ctx: Context | undefined, fn: () => PromiseLike<T>): PromiseLike<T> {
  return ctx === undefined ? fn() : context.with(ctx, fn);
}

/** Runs recording code; a failure in it is the middleware's own and never reaches the app. */
function guard<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch {
    return undefined;
  }
}

function cancellation(): Error {
  const error = new Error('The stream was cancelled before it finished');
  error.name = 'AbortError';
  return error;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

function isReadableStream(value: unknown): value is ReadableStream<unknown> {
  return typeof field(value, 'pipeThrough') === 'function';
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof field(value, 'addEventListener') === 'function' && typeof field(value, 'removeEventListener') === 'function'
  );
}

/** Unique keys per middleware instance: a random prefix and a counter, with no global state. */
function keyGenerator(): () => string {
  const prefix = randomId();
  let counter = 0;
  return () => `vercel-ai:${prefix}:${++counter}`;
}

function randomId(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (typeof crypto?.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}
