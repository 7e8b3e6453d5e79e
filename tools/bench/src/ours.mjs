// Our adapters (repo only: they import the built dist of the workspace packages) and the LiteLLM references.

import { handlerCall, LITELLM_NEEDLES, runHandlerCall } from './litellm-workload.mjs';
import { otelSdk, registerSink } from './otel-env.mjs';
import { aiSdkCallers, langChainCallers } from './references.mjs';

const REGISTRY_KEY = Symbol.for('@agentops/llm-callback-core/registry@1');

/** The core's process-wide registry (internal, read only here): open entries and remembered ended keys. */
export function coreState() {
  const registry = globalThis[REGISTRY_KEY];
  return registry ? { inFlight: registry.entries.size, recentlyEnded: registry.recentlyEnded.size } : undefined;
}

const contentNote = (capture) => (capture ? 'full content capture' : 'captureContent: false');

async function agentopsAiSdk(capture) {
  const { agentopsMiddleware } = await import('@agentops/vercel-ai');
  const { sink, flush } = await registerSink();
  const middleware = agentopsMiddleware(capture ? {} : { captureContent: false });
  return {
    ...(await aiSdkCallers({ middleware })),
    sink,
    flush,
    unit: 'spans',
    capture,
    stats: coreState,
    note: `agentopsMiddleware(), ${contentNote(capture)}`,
  };
}

async function agentopsLangChain(capture) {
  const { AgentOpsLangChainHandler } = await import('@agentops/langchain');
  const { sink, flush } = await registerSink();
  const handler = new AgentOpsLangChainHandler(capture ? {} : { captureContent: false });
  return {
    ...(await langChainCallers([handler])),
    sink,
    flush,
    unit: 'spans',
    capture,
    stats: () => ({ ...coreState(), handler: handler.stats() }),
    note: `AgentOpsLangChainHandler, ${contentNote(capture)}`,
  };
}

export const OUR_AI_SDK = {
  agentops: () => agentopsAiSdk(true),
  'agentops-nocontent': () => agentopsAiSdk(false),
};

export const OUR_LANGCHAIN = {
  agentops: () => agentopsLangChain(true),
  'agentops-nocontent': () => agentopsLangChain(false),
};

// ---------------------------------------------------------------- LiteLLM ---
// A call is LiteLLM's pre-call event then its success event (kwargs with the standard logging object). Building the
// fresh kwargs is inside the call for every row, so it cancels out of "own work" (row minus the no-op handler).
function litellmCallers(handler) {
  const callers = {
    generate() {
      runHandlerCall(handler, handlerCall());
    },
  };
  // LiteLLM's callbacks are already the hook: hook level is the same call.
  return { ...callers, hookLevel: async () => callers };
}

async function floorLiteLLM() {
  const { trace, SpanKind } = (await otelSdk()).api;
  const tracer = trace.getTracer('bench-floor', '0.0.0');
  const spans = new Map();
  return {
    logPreApiCall(model, messages, kwargs) {
      const params = kwargs.optional_params ?? {};
      const span = tracer.startSpan(`chat ${model}`, {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': kwargs.custom_llm_provider ?? 'litellm',
          'gen_ai.request.model': model,
          'gen_ai.request.temperature': params.temperature ?? 0,
          'gen_ai.request.max_tokens': params.max_tokens ?? 0,
          'bench.call_id': kwargs.litellm_call_id,
          'bench.prompt.messages': messages?.length ?? 0,
        },
      });
      spans.set(kwargs.litellm_call_id, span);
    },
    logSuccessEvent(kwargs, response) {
      const span = spans.get(kwargs.litellm_call_id);
      if (!span) return;
      spans.delete(kwargs.litellm_call_id);
      span.setAttributes({
        'gen_ai.usage.input_tokens': response?.usage?.prompt_tokens ?? 0,
        'gen_ai.usage.output_tokens': response?.usage?.completion_tokens ?? 0,
        'gen_ai.response.finish_reasons': [response?.choices?.[0]?.finish_reason ?? 'unknown'],
      });
      span.end();
    },
  };
}

async function agentopsLiteLLM(options, capture, note) {
  const { AgentOpsLiteLLMHandler } = await import('@agentops/litellm');
  const { sink, flush } = await registerSink();
  const handler = new AgentOpsLiteLLMHandler(options);
  return {
    ...litellmCallers(handler),
    sink,
    // Pending merge windows end their spans up to mergeWindowMs later: wait them out before counting.
    flush: async () => {
      await new Promise((resolve) => setTimeout(resolve, (options.mergeWindowMs ?? 1000) + 50));
      await flush();
    },
    mergeWindowMs: options.mergeWindowMs ?? 1000,
    unit: 'spans',
    capture,
    needles: LITELLM_NEEDLES,
    stats: () => ({ ...coreState(), handler: handler.stats() }),
    note,
  };
}

export const LITELLM_SETUPS = {
  async 'noop-handler'() {
    const noop = { logPreApiCall() {}, logSuccessEvent() {} };
    return {
      ...litellmCallers(noop),
      sink: null,
      flush: async () => {},
      unit: 'spans',
      reference: 'hook',
      note: 'empty handler methods',
    };
  },
  async floor() {
    const { sink, flush } = await registerSink();
    return {
      ...litellmCallers(await floorLiteLLM()),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: '1 span (start on pre-call, end on success), 10 attributes, no content',
    };
  },
  agentops: () =>
    agentopsLiteLLM({}, true, 'AgentOpsLiteLLMHandler defaults (mergeWindowMs 1000, autoSession), full content'),
  'agentops-nocontent': () =>
    agentopsLiteLLM({ captureContent: false }, false, 'AgentOpsLiteLLMHandler defaults, captureContent: false'),
  'agentops-nomerge': () =>
    agentopsLiteLLM({ mergeWindowMs: 0 }, true, 'AgentOpsLiteLLMHandler, mergeWindowMs: 0 (span ends in the call)'),
};
