// Reference rows, identical in the repo and in the peer cache (each resolves its own framework and SDK copies):
//   baseline   the untraced call
//   noop-*     the hook and nothing else: a pass-through middleware that awaits doGenerate / pipes the stream through
//              an enqueue-only TransformStream; an empty callback handler (background, LangChain's default, and
//              awaited, as our handler runs); an empty ai@7 telemetry integration (the hook of telemetry-based peers)
//   floor      the least a tracer can do: one span, ten attributes, no content, no per-chunk work (the peer
//              harness's minimal.mjs idea, with the LangChain handler awaited like ours)
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  AI_SDK_PROMPT,
  CALL_PARAMS,
  createAiSdkFakeModel,
  createLangChainFakeModel,
  langChainMessages,
  setStreamChunks,
  USAGE,
} from './fakes.mjs';
import { aiSdkHookCallers, langChainHookCallers } from './hook-level.mjs';
import { otelSdk, registerSink } from './otel-env.mjs';

const noSink = { sink: null, flush: async () => {}, unit: 'spans' };

// ----------------------------------------------------------------- AI SDK ---
export async function aiSdkCallers({ middleware, telemetry } = {}) {
  const ai = await import('ai');
  let model = createAiSdkFakeModel();
  if (middleware) model = ai.wrapLanguageModel({ model, middleware });
  const base = { model, ...AI_SDK_PROMPT, ...CALL_PARAMS, maxRetries: 0 };
  if (telemetry) base.telemetry = telemetry;
  return {
    /** The same middleware driven at hook level (see hook-level.mjs). */
    hookLevel: () => aiSdkHookCallers(middleware),
    async generate() {
      const r = await ai.generateText(base);
      if (r.text.length < 100 || r.usage.outputTokens !== USAGE.output) throw new Error('bad generate result');
    },
    async stream() {
      const r = ai.streamText(base);
      let n = 0;
      for await (const delta of r.textStream) n += delta.length;
      const usage = await r.usage;
      if (n < 100 || usage.outputTokens !== USAGE.output) throw new Error('bad stream result');
    },
    /** One stream of `total` chunks; `boundary(k)` after every `every` chunks (per-chunk instruction counts). */
    async chunks(total, every, boundary) {
      setStreamChunks(total);
      const r = ai.streamText(base);
      let k = 0;
      for await (const _ of r.textStream) if (++k % every === 0) boundary(k / every);
      await r.usage;
    },
  };
}

function noopMiddleware() {
  return {
    specificationVersion: 'v4',
    async wrapGenerate({ doGenerate }) {
      return await doGenerate();
    },
    async wrapStream({ doStream }) {
      const result = await doStream();
      return {
        ...result,
        stream: result.stream.pipeThrough(
          new TransformStream({
            transform(part, controller) {
              controller.enqueue(part);
            },
          }),
        ),
      };
    },
  };
}

/** A fresh copy of a template's attributes: built per call, as a tracer builds its own. */
export function copyAttributes(template) {
  const out = {};
  for (const key in template) out[key] = template[key];
  return out;
}

/**
 * The floor middleware. With `sameData` (`{ start, end }` attribute templates, see ours.mjs): the same-data floor,
 * one span with those attributes instead of ten, active while the provider runs (as a tracer must make it for the
 * provider's own spans to nest under it).
 */
export async function floorMiddleware(sameData) {
  const { trace, context, SpanKind, SpanStatusCode } = (await otelSdk()).api;
  const tracer = trace.getTracer('bench-floor', '0.0.0');
  const floorStartAttrs = (model, params, streaming) => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': model.provider,
    'gen_ai.request.model': model.modelId,
    'gen_ai.request.temperature': params.temperature ?? 0,
    'gen_ai.request.max_tokens': params.maxOutputTokens ?? 0,
    'bench.streaming': streaming,
    'bench.prompt.messages': params.prompt?.length ?? 0,
  });
  const floorEndAttrs = (span, usage, finishReason) =>
    span.setAttributes({
      'gen_ai.usage.input_tokens': usage?.inputTokens?.total ?? 0,
      'gen_ai.usage.output_tokens': usage?.outputTokens?.total ?? 0,
      'gen_ai.response.finish_reasons': [finishReason?.unified ?? 'unknown'],
    });
  const startAttrs = sameData
    ? (_m, _p, streaming) => copyAttributes(sameData[streaming ? 'stream' : 'generate'].start)
    : floorStartAttrs;
  const endAttrs = sameData
    ? (span, _u, _f, streaming) => span.setAttributes(copyAttributes(sameData[streaming ? 'stream' : 'generate'].end))
    : floorEndAttrs;
  const run = sameData ? (span, fn) => context.with(trace.setSpan(context.active(), span), fn) : (_span, fn) => fn();
  return {
    specificationVersion: 'v4',
    async wrapGenerate({ doGenerate, params, model }) {
      const span = tracer.startSpan(`chat ${model.modelId}`, {
        kind: SpanKind.CLIENT,
        attributes: startAttrs(model, params, false),
      });
      try {
        const result = await run(span, doGenerate);
        endAttrs(span, result.usage, result.finishReason);
        return result;
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw err;
      } finally {
        span.end();
      }
    },
    async wrapStream({ doStream, params, model }) {
      const span = tracer.startSpan(`chat ${model.modelId}`, {
        kind: SpanKind.CLIENT,
        attributes: startAttrs(model, params, true),
      });
      let result;
      try {
        result = await run(span, doStream);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      }
      let ended = false;
      const finish = () => {
        if (!ended) {
          ended = true;
          span.end();
        }
      };
      // The same-data floor times every text chunk, the least that yields the chunk attributes it records
      // (time to first chunk, chunk count, largest gap).
      const timing = { count: 0, first: 0, last: 0, maxGap: 0 };
      const stream = result.stream.pipeThrough(
        new TransformStream({
          transform(part, controller) {
            controller.enqueue(part);
            if (sameData && part.type === 'text-delta') {
              const now = performance.now();
              if (timing.count++ === 0) timing.first = now;
              else if (now - timing.last > timing.maxGap) timing.maxGap = now - timing.last;
              timing.last = now;
            }
            if (part.type === 'finish') endAttrs(span, part.usage, part.finishReason, true);
          },
          flush: finish,
          cancel: finish,
        }),
      );
      return { ...result, stream };
    },
  };
}

export const AI_SDK_REFERENCES = {
  async baseline() {
    return { ...(await aiSdkCallers()), ...noSink, reference: 'untraced', note: 'no tracer' };
  },
  async 'noop-middleware'() {
    return {
      ...(await aiSdkCallers({ middleware: noopMiddleware() })),
      ...noSink,
      reference: 'hook',
      note: 'pass-through wrapLanguageModel middleware (awaits doGenerate, enqueue-only TransformStream)',
    };
  },
  async 'noop-telemetry'() {
    const ai = await import('ai');
    ai.registerTelemetry({});
    return {
      ...(await aiSdkCallers({ telemetry: { isEnabled: true, functionId: 'bench' } })),
      ...noSink,
      reference: 'hook',
      note: 'empty ai@7 telemetry integration via registerTelemetry, telemetry enabled per call',
    };
  },
  async floor() {
    const { sink, flush } = await registerSink();
    return {
      ...(await aiSdkCallers({ middleware: await floorMiddleware() })),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: 'middleware, 1 span, 10 attributes, no content',
    };
  },
};

// -------------------------------------------------------------- LangChain ---
// LangChain runs background handlers on a queue (p-queue, concurrency 1). Waiting for it to go idle puts that work
// inside the timed call. awaitAllCallbacks() cannot be used: it also sleeps in the LangSmith client. The queue module
// is not exported, so it is imported by file URL: same URL, same module instance as LangChain's own.
export async function langChainQueueIdle() {
  const require = createRequire(import.meta.url);
  const coreDir = path.dirname(require.resolve('@langchain/core/package.json'));
  const mod = await import(pathToFileURL(path.join(coreDir, 'dist/singletons/callbacks.js')).href);
  if (typeof mod.getQueue !== 'function') throw new Error('@langchain/core internals changed: no getQueue');
  return () => mod.getQueue().onIdle();
}

export async function langChainCallers(callbacks) {
  const model = await createLangChainFakeModel();
  const messages = await langChainMessages();
  const queueIdle = await langChainQueueIdle();
  const opts = callbacks ? { callbacks } : {};
  return {
    /** The same callbacks replayed at hook level (see hook-level.mjs). */
    hookLevel: () => langChainHookCallers(callbacks, queueIdle),
    async generate() {
      const msg = await model.invoke(messages, opts);
      await queueIdle();
      if (msg.content.length < 100 || msg.usage_metadata?.output_tokens !== USAGE.output)
        throw new Error('bad invoke result');
    },
    async stream() {
      let n = 0;
      let usage;
      for await (const chunk of await model.stream(messages, opts)) {
        n += chunk.content.length;
        if (chunk.usage_metadata) usage = chunk.usage_metadata;
      }
      await queueIdle();
      if (n < 100 || usage?.output_tokens !== USAGE.output) throw new Error('bad stream result');
    },
    async chunks(total, every, boundary) {
      setStreamChunks(total);
      let k = 0;
      for await (const chunk of await model.stream(messages, opts))
        if (chunk.content && ++k % every === 0) boundary(k / every);
      await queueIdle();
    },
  };
}

async function noopHandler(awaited) {
  const { BaseCallbackHandler } = await import('@langchain/core/callbacks/base');
  class NoopHandler extends BaseCallbackHandler {
    name = 'noop-handler';
  }
  return new NoopHandler(awaited ? { _awaitHandler: true } : {});
}

/** The floor handler; with `sameData` (`{ generate: { start, end } }` templates), the same-data floor. */
export async function floorHandler(sameData) {
  const { BaseCallbackHandler } = await import('@langchain/core/callbacks/base');
  const { trace, SpanKind, SpanStatusCode } = (await otelSdk()).api;
  const tracer = trace.getTracer('bench-floor', '0.0.0');
  class FloorHandler extends BaseCallbackHandler {
    name = 'floor-handler';
    spans = new Map();
    timings = new Map();
    handleChatModelStart(llm, messages, runId, _parentRunId, extraParams, _tags, _metadata, name) {
      const params = extraParams?.invocation_params ?? {};
      const model = params.model ?? 'unknown';
      const span = tracer.startSpan(`chat ${model}`, {
        kind: SpanKind.CLIENT,
        attributes: sameData
          ? copyAttributes(sameData.generate.start)
          : {
              'gen_ai.operation.name': 'chat',
              'gen_ai.provider.name': name ?? llm?.id?.at(-1) ?? 'langchain',
              'gen_ai.request.model': model,
              'gen_ai.request.temperature': params.temperature ?? 0,
              'gen_ai.request.max_tokens': params.max_tokens ?? 0,
              'bench.run_id': runId,
              'bench.prompt.messages': messages?.[0]?.length ?? 0,
            },
      });
      this.spans.set(runId, span);
    }
    // Defined only for the same-data floor, which times every token: the least that yields its chunk attributes.
    handleLLMNewToken = sameData
      ? (_token, _idx, runId) => {
          const now = performance.now();
          const timing = this.timings.get(runId);
          if (timing === undefined) this.timings.set(runId, { count: 1, first: now, last: now, maxGap: 0 });
          else {
            if (now - timing.last > timing.maxGap) timing.maxGap = now - timing.last;
            timing.last = now;
            timing.count++;
          }
        }
      : undefined;
    handleLLMEnd(output, runId) {
      const span = this.spans.get(runId);
      if (!span) return;
      this.spans.delete(runId);
      const streamed = this.timings.delete(runId);
      const gen = output?.generations?.[0]?.[0];
      const usage = gen?.message?.usage_metadata;
      if (sameData) {
        span.setAttributes(copyAttributes(sameData[streamed ? 'stream' : 'generate'].end));
        span.end();
        return;
      }
      span.setAttributes({
        'gen_ai.usage.input_tokens': usage?.input_tokens ?? 0,
        'gen_ai.usage.output_tokens': usage?.output_tokens ?? 0,
        'gen_ai.response.finish_reasons': [
          gen?.generationInfo?.finish_reason ?? gen?.message?.response_metadata?.finish_reason ?? 'unknown',
        ],
      });
      span.end();
    }
    handleLLMError(_err, runId) {
      const span = this.spans.get(runId);
      if (!span) return;
      this.spans.delete(runId);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  }
  return new FloorHandler({ _awaitHandler: true });
}

export const LANGCHAIN_REFERENCES = {
  async baseline() {
    return { ...(await langChainCallers()), ...noSink, reference: 'untraced', note: 'no callbacks' };
  },
  async 'noop-handler'() {
    return {
      ...(await langChainCallers([await noopHandler(false)])),
      ...noSink,
      reference: 'hook',
      note: 'empty BaseCallbackHandler, background dispatch (LangChain default)',
    };
  },
  async 'noop-handler-awaited'() {
    return {
      ...(await langChainCallers([await noopHandler(true)])),
      ...noSink,
      reference: 'hook',
      note: 'empty BaseCallbackHandler with _awaitHandler: true (how our handler runs)',
    };
  },
  async floor() {
    const { sink, flush } = await registerSink();
    return {
      ...(await langChainCallers([await floorHandler()])),
      sink,
      flush,
      unit: 'spans',
      reference: 'floor',
      note: 'awaited handler, 1 span, 10 attributes, no content',
    };
  },
};
