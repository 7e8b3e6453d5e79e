/*
 * Property tests: whatever a model returns or streams (malformed, hostile, any version's shape), the middleware hands
 * the app exactly that, throws only what the model threw, and ends one span per call.
 */
import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { pullStream } from './__fixtures__/ai-versions.js';
import { agentopsMiddleware } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

/**
 * An object whose property reads and `in` checks throw. Symbols and `then` are spared: fast-check and `await` probe
 * them, and a thenable would make the model itself fail.
 */
const hostile = new Proxy(
  {},
  {
    get(_, key) {
      if (typeof key === 'symbol' || key === 'then') return undefined;
      throw new Error('hostile get');
    },
    has(_, key) {
      if (typeof key === 'symbol') return false;
      throw new Error('hostile has');
    },
  },
);

const junk = fc.oneof(fc.anything(), fc.constant(hostile), fc.constant(Number.NaN), fc.constant(undefined));
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof(arbitrary, junk);
const count = maybe(fc.oneof(fc.nat(), fc.double()));

const usage = fc.oneof(
  fc.record({ inputTokens: count, outputTokens: count, totalTokens: count, cachedInputTokens: count }),
  fc.record({
    inputTokens: maybe(fc.record({ total: count, noCache: count, cacheRead: count, cacheWrite: count })),
    outputTokens: maybe(fc.record({ total: count, text: count, reasoning: count })),
  }),
  junk,
);
const finishReason = fc.oneof(
  fc.constantFrom('stop', 'length', 'tool-calls', 'unknown'),
  fc.record({ unified: maybe(fc.string()), raw: maybe(fc.string()) }),
  junk,
);
const fileData = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.base64String({ maxLength: 64 }),
  fc.webUrl().map((url) => new URL(url)),
  fc.record({ type: fc.constantFrom('data', 'url', 'reference', 'text'), data: junk, url: junk, reference: junk }),
  junk,
);
const partType = fc.constantFrom(
  'stream-start',
  'response-metadata',
  'text-start',
  'text-delta',
  'text-end',
  'reasoning-start',
  'reasoning-delta',
  'reasoning-end',
  'tool-input-start',
  'tool-input-delta',
  'tool-input-end',
  'tool-call',
  'tool-result',
  'tool-approval-request',
  'file',
  'reasoning-file',
  'source',
  'custom',
  'finish',
  'raw',
  'ping',
  'error',
  'not-a-part',
);
const part = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        type: partType,
        id: maybe(fc.constantFrom('a', 'b', '')),
        delta: maybe(fc.string({ maxLength: 8 })),
        toolCallId: maybe(fc.constantFrom('a', 'b')),
        toolName: maybe(fc.string({ maxLength: 8 })),
        input: junk,
        text: maybe(fc.string({ maxLength: 8 })),
        data: fileData,
        mediaType: maybe(fc.constantFrom('image/png', 'image', 'application/pdf')),
        usage,
        finishReason,
        warnings: maybe(fc.array(fc.record({ type: maybe(fc.string()), feature: junk, message: junk }))),
        timestamp: maybe(fc.date()),
        modelId: junk,
        error: junk,
      },
      { requiredKeys: ['type'] },
    ),
  },
  { weight: 1, arbitrary: junk },
);
const generateResult = fc.oneof(
  fc.record({
    content: maybe(fc.array(part, { maxLength: 6 })),
    finishReason,
    usage,
    response: maybe(fc.record({ id: junk, modelId: junk, timestamp: maybe(fc.date()) })),
    request: maybe(fc.record({ url: maybe(fc.webUrl()) })),
    warnings: junk,
  }),
  junk,
);
const params = fc.oneof(
  fc.record({
    prompt: maybe(
      fc.array(
        fc.record({
          role: maybe(fc.constantFrom('system', 'user', 'assistant', 'tool')),
          content: maybe(fc.oneof(fc.string(), fc.array(part, { maxLength: 4 }))),
        }),
        { maxLength: 4 },
      ),
    ),
    temperature: count,
    stopSequences: junk,
    tools: junk,
    toolChoice: junk,
    responseFormat: junk,
    providerOptions: maybe(fc.record({ agentops: junk, openai: junk })),
    abortSignal: fc.constant(undefined),
  }),
  junk,
);
const model = fc.oneof(fc.record({ provider: junk, modelId: junk, specificationVersion: junk }), junk);

async function readAll(stream: ReadableStream<unknown>): Promise<unknown[]> {
  const parts: unknown[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

describe('agentopsMiddleware never changes what the app receives', () => {
  it('transformParams returns the params, minus only providerOptions.agentops', async () => {
    const middleware = agentopsMiddleware();
    await fc.assert(
      fc.asyncProperty(params, async (input) => {
        const output = await middleware.transformParams({ type: 'generate', params: input, model: {} });
        if (Object.is(output, input)) return;
        // A copy is only made to drop the agentops namespace; every other value is the very same one.
        const copy = output as Record<string, unknown>;
        const original = input as Record<string, unknown>;
        expect(Object.keys(copy).sort()).toEqual(Object.keys(original).sort());
        for (const key of Object.keys(original)) {
          if (key !== 'providerOptions') expect(Object.is(copy[key], original[key])).toBe(true);
        }
        const originalOptions = original.providerOptions as Record<string, unknown>;
        const copiedOptions = copy.providerOptions as Record<string, unknown> | undefined;
        expect(Object.hasOwn(originalOptions, 'agentops')).toBe(true);
        expect(copiedOptions === undefined || !Object.hasOwn(copiedOptions, 'agentops')).toBe(true);
        for (const key of Object.keys(originalOptions)) {
          if (key !== 'agentops') expect(Object.is(copiedOptions?.[key], originalOptions[key])).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('wrapGenerate resolves to the model’s own result object, or rejects with the model’s own error', async () => {
    const middleware = agentopsMiddleware();
    await fc.assert(
      fc.asyncProperty(
        generateResult,
        params,
        model,
        fc.option(junk),
        async (result, callParams, callModel, thrown) => {
          tracing.reset();
          const doGenerate = async () => {
            if (thrown !== null) throw thrown;
            return result;
          };
          const call = middleware.wrapGenerate({ doGenerate, doStream: vi.fn(), params: callParams, model: callModel });
          if (thrown !== null) await expect(call).rejects.toBe(thrown);
          else expect(await call).toBe(result);
          expect(tracing.spans()).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('wrapStream hands back every part, the same objects in the same order, and the rest of the result', async () => {
    const middleware = agentopsMiddleware();
    await fc.assert(
      fc.asyncProperty(
        fc.array(part, { maxLength: 30 }),
        params,
        model,
        fc.option(junk),
        async (parts, callParams, callModel, streamError) => {
          tracing.reset();
          const extra = { request: { body: 'x' }, response: { headers: { a: 'b' } } };
          const source =
            streamError === null
              ? pullStream(parts)
              : new ReadableStream({
                  start(controller) {
                    for (const item of parts) controller.enqueue(item);
                    controller.error(streamError);
                  },
                });
          const result = await middleware.wrapStream({
            doGenerate: vi.fn(),
            doStream: async () => ({ stream: source, ...extra }),
            params: callParams,
            model: callModel,
          });
          expect(result.request).toBe(extra.request);
          expect(result.response).toBe(extra.response);
          if (streamError === null) {
            const received = await readAll(result.stream);
            expect(received).toHaveLength(parts.length);
            for (const [index, item] of received.entries()) expect(item).toBe(parts[index]);
          } else {
            await expect(readAll(result.stream)).rejects.toBe(streamError);
          }
          await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a consumer that cancels part-way gets no error from the middleware, and the span ends', async () => {
    const middleware = agentopsMiddleware();
    await fc.assert(
      fc.asyncProperty(fc.array(part, { minLength: 1, maxLength: 20 }), fc.nat(), junk, async (parts, at, reason) => {
        tracing.reset();
        const result = await middleware.wrapStream({
          doGenerate: vi.fn(),
          doStream: async () => ({ stream: pullStream(parts) }),
          params: { prompt: [] },
          model: {},
        });
        const reader = result.stream.getReader();
        const stopAt = at % parts.length;
        for (let index = 0; index < stopAt; index++) expect((await reader.read()).value).toBe(parts[index]);
        await reader.cancel(reason);
        expect(tracing.spans()).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });

  it('a model result that is not a stream result is returned as it is', async () => {
    const middleware = agentopsMiddleware();
    await fc.assert(
      fc.asyncProperty(junk, async (result) => {
        tracing.reset();
        const returned = await middleware.wrapStream({
          doGenerate: vi.fn(),
          doStream: async () => result,
          params: {},
          model: {},
        });
        expect(returned).toBe(result);
      }),
      { numRuns: 200 },
    );
  });
});
