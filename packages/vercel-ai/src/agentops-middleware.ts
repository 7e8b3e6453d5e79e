import { type CallStartEvent, createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { copyFields, field, readString } from '@agentops/llm-callback-core/adapter-kit';
import {
  type ExtractedCallOptions,
  extractCallOptions,
  mapCallOptionsInto,
  mergeMetadata,
  promptOf,
} from './map-call-options.js';
import { guard, isRecordedCall, keyGenerator, type ModelCall, runModelCall, startModelCall } from './model-call.js';
import type { AgentOpsMiddleware, AgentOpsMiddlewareOptions } from './types.js';

/** Idle time after which a stream's span is ended as incomplete. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

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
  // Keys come from a counter: never reused, so ended ones need not be remembered.
  const recorder = createLlmSpanRecorder({ ...coreOptions, framework: 'vercel-ai', uniqueKeys: true });
  const idleTimeoutMs = idleTimeout(streamIdleTimeoutMs);
  const nextKey = keyGenerator('vercel-ai');
  // Per-call metadata taken out of `providerOptions` by transformParams, keyed by the params object it returned,
  // which is the very object wrapGenerate / wrapStream receive.
  const extracted = new WeakMap<object, ExtractedCallOptions<unknown>>();
  // How many calls with the same prompt array have failed. The SDK re-sends a step's prompt array when it retries
  // after a failure (all of generateText, and streamText in ai@5/6), so a count above 0 is a retry. Only failures
  // are written: a weak map entry per successful call would cost every call a write and the GC an ephemeron.
  const failures = new WeakMap<object, number>();

  function start(params: unknown, model: unknown, stream: boolean): ModelCall | undefined {
    // AgentOpsTelemetry records this call already (ai@7 with the integration registered): one span per call.
    if (isRecordedCall()) return undefined;
    // Each mapping step is guarded on its own: a payload that breaks one costs its attributes, not the span.
    const call = guard(() => (isObject(params) && extracted.get(params)) || extractCallOptions(params));
    const prompt = promptOf(params);
    const attempt = isObject(prompt) ? (failures.get(prompt) ?? 0) : 0;
    const { provider, modelId } = modelIdentity(model);
    const event: CallStartEvent = {
      key: nextKey(),
      operation: 'chat',
      provider: readString(provider),
      model: readString(modelId),
      stream,
      metadata: mergeMetadata(metadata, call?.metadata),
    };
    // Tool schemas are content: not read at all when the recorder or this call records none.
    const withContent = recorder.contentCapture !== 'none' && call?.captureContent !== false;
    guard(() => mapCallOptionsInto(event, params, withContent));
    if (call?.captureContent !== undefined) event.captureContent = call.captureContent;
    if (stream) event.idleTimeoutMs = idleTimeoutMs;
    return startModelCall(recorder, event, attempt);
  }

  function noteFailure(params: unknown, call: ModelCall): void {
    guard(() => {
      const prompt = promptOf(params);
      if (isObject(prompt)) failures.set(prompt, call.attempt + 1);
    });
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
      const call = guard(() => start(params, model, false));
      if (call === undefined) return await doGenerate();
      try {
        return await runModelCall(call, doGenerate);
      } catch (error) {
        noteFailure(params, call);
        throw error;
      }
    },

    async wrapStream({ doStream, params, model }) {
      const call = guard(() => start(params, model, true));
      if (call === undefined) return await doStream();
      try {
        return await runModelCall(call, doStream, field(params, 'abortSignal'));
      } catch (error) {
        noteFailure(params, call);
        throw error;
      }
    },
  };
}

/** A positive `streamIdleTimeoutMs`, else the default. */
export function idleTimeout(value: unknown): number {
  return typeof value === 'number' && value > 0 ? value : DEFAULT_STREAM_IDLE_TIMEOUT_MS;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

const MODEL_KEYS = ['provider', 'modelId'];

/** The model's `provider` and `modelId`, read directly (field by field only if one throws, see `copyFields`). */
function modelIdentity(model: unknown): { provider?: unknown; modelId?: unknown } {
  try {
    const { provider, modelId } = model as { provider?: unknown; modelId?: unknown };
    return { provider, modelId };
  } catch {
    return copyFields(model, MODEL_KEYS);
  }
}
