// Our adapters (repo only: they import the built dist of the workspace packages) and the LiteLLM references.

import { handlerCall, LITELLM_NEEDLES, runHandlerCall } from './litellm-workload.mjs';
import { otelSdk, registerSink } from './otel-env.mjs';
import { aiSdkCallers, copyAttributes, floorHandler, floorMiddleware, langChainCallers } from './references.mjs';

const REGISTRY_KEY = Symbol.for('@agentops/llm-callback-core/registry@2');

/** The core's process-wide registry (internal, read only here): open entries and remembered ended keys. */
export function coreState() {
  const registry = globalThis[REGISTRY_KEY];
  return registry
    ? { inFlight: registry.entries.size, recentlyEnded: registry.recentlyEnded.size + (registry.olderEnded?.size ?? 0) }
    : undefined;
}

const contentNote = (capture) => (capture ? 'full content capture' : 'captureContent: false');
/** GenAI keys only (no AgentOps duplicates): about as many attributes as the floor's ten. */
const GENAI_ONLY = { semconv: { agentops: false } };
const genaiNote = (options) => (options === GENAI_ONLY ? ', semconv: { agentops: false }' : '');

async function agentopsAiSdk(capture, options = {}) {
  const { agentopsMiddleware } = await import('@agentops/vercel-ai');
  const { sink, flush } = await registerSink();
  const middleware = agentopsMiddleware(capture ? options : { ...options, captureContent: false });
  return {
    ...(await aiSdkCallers({ middleware })),
    sink,
    flush,
    unit: 'spans',
    capture,
    stats: coreState,
    note: `agentopsMiddleware(), ${contentNote(capture)}${genaiNote(options)}`,
  };
}

async function agentopsLangChain(capture, options = {}) {
  const { AgentOpsLangChainHandler } = await import('@agentops/langchain');
  const { sink, flush } = await registerSink();
  const handler = new AgentOpsLangChainHandler(capture ? options : { ...options, captureContent: false });
  return {
    ...(await langChainCallers([handler])),
    sink,
    flush,
    unit: 'spans',
    capture,
    stats: () => ({ ...coreState(), handler: handler.stats() }),
    note: `AgentOpsLangChainHandler, ${contentNote(capture)}${genaiNote(options)}`,
  };
}

// ------------------------------------------------------- same-data floor ---
// The floor records ten attributes; our capture-off span records both conventions' keys (20 to 40, see the report).
// The same-data floor is the floor with exactly our capture-off span's attributes for this workload (templates taken
// from one real call of ours, copied into a fresh object per call) and, for the AI SDK, the span active while the
// provider runs, as ours makes it. No mapping and no bookkeeping: what OpenTelemetry itself charges for our data.
const START_KEYS = new Set([
  'agentops.span.kind',
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.provider.name',
]);

/** The attributes of the last span our setup exported for one call, split into start and end templates. */
async function attributeTemplate(setup, call) {
  setup.sink.take();
  await call();
  await setup.flush();
  const span = setup.sink.peek().at(-1);
  if (!span) throw new Error('same-data floor: our adapter exported no span');
  setup.sink.take();
  const start = {};
  const end = {};
  for (const [key, value] of Object.entries(span.attributes)) (START_KEYS.has(key) ? start : end)[key] = value;
  return { start, end, count: Object.keys(span.attributes).length };
}

async function sameDataTemplates(ours, modes) {
  const hook = await ours.hookLevel();
  const templates = {};
  for (const mode of modes) templates[mode] = await attributeTemplate(ours, hook[mode]);
  return templates;
}

const sameDataNote = (templates) =>
  `floor with our capture-off span's ${templates.generate.count} attributes${templates.stream ? ` (${templates.stream.count} streamed)` : ''}`;

export const OUR_AI_SDK = {
  agentops: () => agentopsAiSdk(true),
  'agentops-nocontent': () => agentopsAiSdk(false),
  'agentops-genai-nocontent': () => agentopsAiSdk(false, GENAI_ONLY),
  async 'floor-same-data'() {
    const templates = await sameDataTemplates(await agentopsAiSdk(false), ['generate', 'stream']);
    const { sink, flush } = await registerSink();
    return {
      ...(await aiSdkCallers({ middleware: await floorMiddleware(templates) })),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: `${sameDataNote(templates)}, span active around the provider call, no content`,
    };
  },
};

export const OUR_LANGCHAIN = {
  agentops: () => agentopsLangChain(true),
  'agentops-nocontent': () => agentopsLangChain(false),
  'agentops-genai-nocontent': () => agentopsLangChain(false, GENAI_ONLY),
  async 'floor-same-data'() {
    const templates = await sameDataTemplates(await agentopsLangChain(false), ['generate', 'stream']);
    const { sink, flush } = await registerSink();
    return {
      ...(await langChainCallers([await floorHandler(templates)])),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: `awaited handler, ${sameDataNote(templates)}, no content`,
    };
  },
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

async function floorLiteLLM(sameData) {
  const { trace, SpanKind } = (await otelSdk()).api;
  const tracer = trace.getTracer('bench-floor', '0.0.0');
  const spans = new Map();
  return {
    logPreApiCall(model, messages, kwargs) {
      const params = kwargs.optional_params ?? {};
      const span = tracer.startSpan(`chat ${model}`, {
        kind: SpanKind.CLIENT,
        attributes: sameData
          ? copyAttributes(sameData.generate.start)
          : {
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
      if (sameData) {
        span.setAttributes(copyAttributes(sameData.generate.end));
        span.end();
        return;
      }
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
  async 'floor-same-data'() {
    // The template comes from a call that ends at once (no merge window); the attributes are the same.
    const ours = await agentopsLiteLLM({ captureContent: false, mergeWindowMs: 0 }, false, '');
    const templates = await sameDataTemplates(ours, ['generate']);
    const { sink, flush } = await registerSink();
    return {
      ...litellmCallers(await floorLiteLLM(templates)),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: `1 span (start on pre-call, end on success), ${sameDataNote(templates)}`,
    };
  },
  agentops: () =>
    agentopsLiteLLM({}, true, 'AgentOpsLiteLLMHandler defaults (mergeWindowMs 1000, autoSession), full content'),
  'agentops-nocontent': () =>
    agentopsLiteLLM({ captureContent: false }, false, 'AgentOpsLiteLLMHandler defaults, captureContent: false'),
  'agentops-genai-nocontent': () =>
    agentopsLiteLLM(
      { ...GENAI_ONLY, captureContent: false },
      false,
      'AgentOpsLiteLLMHandler defaults, captureContent: false, semconv: { agentops: false }',
    ),
  'agentops-nomerge': () =>
    agentopsLiteLLM({ mergeWindowMs: 0 }, true, 'AgentOpsLiteLLMHandler, mergeWindowMs: 0 (span ends in the call)'),
};
