import { ATTR } from '@agentops/llm-callback-core';
import { createTestTracing, type SpanTreeNode, spanTree } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type AiVersion, aiVersions, pullStream, streamParts } from './__fixtures__/ai-versions.js';
import { agentopsMiddleware } from './index.js';

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

/** The span tree without values that change from run to run (timings) or from version to version. */
function tree(keys?: readonly string[], exclude: readonly string[] = []): string {
  const varying = new Set<string>([
    ...exclude,
    ATTR.RESPONSE_TIME_TO_FIRST_CHUNK,
    ATTR.STREAMING_TIME_TO_FIRST_TOKEN,
    ATTR.STREAMING_TIME_TO_GENERATE,
    ATTR.STREAMING_MAX_CHUNK_GAP,
  ]);
  return tracing.tree({
    attributes: (key) => !varying.has(key) && (keys === undefined || keys.includes(key)),
    maxValueLength: 400,
  });
}

function attributesOf(index: number): Record<string, unknown> {
  const span = tracing.spans()[index];
  if (span === undefined) throw new Error(`no span ${index}`);
  return { ...span.attributes };
}

/** Starts an app span and runs `fn` in it, so the LLM spans have a parent to nest under. */
function inAppSpan<T>(fn: () => Promise<T>): Promise<T> {
  return tracing.tracer.startActiveSpan('app', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
}

/**
 * A stream that hands out `count` parts, then waits, like a provider mid-answer; it errors when the call's abort
 * signal fires, as a `fetch` body does.
 */
function hangingAfter(count: number): (parts: unknown[], params: unknown) => ReadableStream<unknown> {
  return (parts, params) => {
    const signal = (params as { abortSignal?: AbortSignal }).abortSignal;
    let index = 0;
    return new ReadableStream(
      {
        start(controller) {
          signal?.addEventListener('abort', () => controller.error(signal.reason), { once: true });
        },
        pull(controller) {
          if (index < count) {
            controller.enqueue(parts[index++]);
            return undefined;
          }
          return new Promise<void>(() => {});
        },
      },
      { highWaterMark: 0 },
    );
  };
}

/** The one span captured, as a plain object. */
function onlySpan(keys: readonly string[]): SpanTreeNode {
  const roots = spanTree(tracing.spans(), { attributes: keys });
  expect(roots).toHaveLength(1);
  return roots[0] as SpanTreeNode;
}

describe.each(aiVersions)('$name ($spec models)', (v: AiVersion) => {
  it('generateText: one LLM span with settings, prompt, output, usage and response', async () => {
    const model = v.wrap(
      v.model({
        steps: [{ text: 'Bonjour', reasoning: 'French.', usage: { input: 12, output: 6, cacheRead: 4, reasoning: 2 } }],
      }),
      agentopsMiddleware(),
    );
    const result = await v.generateText({
      model,
      system: 'Translate.',
      prompt: 'Hello',
      temperature: 0.3,
      maxOutputTokens: 50,
      topP: 0.9,
      topK: 20,
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      stopSequences: ['END'],
      seed: 42,
    });
    expect(result.text).toBe('Bonjour');
    // ai@7 also sends `toolChoice: auto` without tools; the tool loop below checks tool choice.
    expect(tree(undefined, [ATTR.TOOL_CHOICE])).toBe(
      [
        'mock-model.llm [CLIENT]',
        '    agentops.framework: "vercel-ai"',
        '    agentops.response.created_at: "2026-01-02T03:04:05.000Z"',
        '    agentops.span.kind: "llm"',
        '    gen_ai.completion.0.content: "Bonjour"',
        '    gen_ai.completion.0.finish_reason: "stop"',
        '    gen_ai.completion.0.reasoning: "French."',
        '    gen_ai.completion.0.role: "assistant"',
        '    gen_ai.operation.name: "chat"',
        '    gen_ai.prompt.0.content: "Translate."',
        '    gen_ai.prompt.0.role: "system"',
        '    gen_ai.prompt.1.content: "Hello"',
        '    gen_ai.prompt.1.role: "user"',
        '    gen_ai.provider.name: "mock-provider"',
        '    gen_ai.request.frequency_penalty: 0.2',
        '    gen_ai.request.max_tokens: 50',
        '    gen_ai.request.model: "mock-model"',
        '    gen_ai.request.presence_penalty: 0.1',
        '    gen_ai.request.seed: 42',
        '    gen_ai.request.stop_sequences: ["END"]',
        '    gen_ai.request.stream: false',
        '    gen_ai.request.streaming: false',
        '    gen_ai.request.temperature: 0.3',
        '    gen_ai.request.top_k: 20',
        '    gen_ai.request.top_p: 0.9',
        '    gen_ai.request.type: "chat"',
        '    gen_ai.response.finish_reason: "stop"',
        '    gen_ai.response.finish_reasons: ["stop"]',
        '    gen_ai.response.id: "resp-1"',
        '    gen_ai.response.model: "mock-model-2026"',
        '    gen_ai.system: "mock-provider"',
        '    gen_ai.usage.cache_read.input_tokens: 4',
        '    gen_ai.usage.cache_read_input_tokens: 4',
        '    gen_ai.usage.completion_tokens: 6',
        '    gen_ai.usage.input_tokens: 12',
        '    gen_ai.usage.output_tokens: 6',
        '    gen_ai.usage.prompt_tokens: 12',
        '    gen_ai.usage.reasoning.output_tokens: 2',
        '    gen_ai.usage.reasoning_tokens: 2',
        '    gen_ai.usage.total_tokens: 18',
      ].join('\n'),
    );
  });

  it('streamText: passes the text through and records timing, output and usage at the end', async () => {
    const model = v.wrap(
      v.model({ steps: [{ text: 'Streaming works', usage: { input: 8, output: 4 } }] }),
      agentopsMiddleware(),
    );
    const result = v.streamText({ model, prompt: 'Stream please' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('Streaming works');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    expect(
      tree([
        ATTR.REQUEST_STREAM,
        ATTR.PROMPT_CONTENT.replace('{i}', '0'),
        ATTR.COMPLETION_CONTENT.replace('{i}', '0'),
        ATTR.RESPONSE_FINISH_REASONS,
        ATTR.RESPONSE_ID,
        ATTR.USAGE_INPUT_TOKENS,
        ATTR.USAGE_OUTPUT_TOKENS,
        ATTR.STREAMING_CHUNK_COUNT,
      ]),
    ).toBe(
      [
        'mock-model.llm [CLIENT]',
        '    gen_ai.completion.0.content: "Streaming works"',
        '    gen_ai.prompt.0.content: "Stream please"',
        '    gen_ai.request.stream: true',
        '    gen_ai.response.finish_reasons: ["stop"]',
        '    gen_ai.response.id: "resp-1"',
        // "Streaming works" in 3-character deltas.
        '    gen_ai.streaming.chunk_count: 5',
        '    gen_ai.usage.input_tokens: 8',
        '    gen_ai.usage.output_tokens: 4',
      ].join('\n'),
    );
    const attributes = attributesOf(0);
    expect(attributes[ATTR.RESPONSE_TIME_TO_FIRST_CHUNK]).toBeTypeOf('number');
    expect(attributes[ATTR.STREAMING_MAX_CHUNK_GAP]).toBeTypeOf('number');
  });

  it('generateObject: records the JSON response format and the JSON output', async () => {
    const model = v.wrap(v.model({ steps: [{ text: '{"city":"Paris"}' }] }), agentopsMiddleware());
    const { object } = await v.generateObject({
      model,
      prompt: 'A city',
      schema: v.jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
    });
    expect(object).toEqual({ city: 'Paris' });
    expect(tree([ATTR.OUTPUT_TYPE, ATTR.COMPLETION_CONTENT.replace('{i}', '0')])).toBe(
      [
        'mock-model.llm [CLIENT]',
        '    gen_ai.completion.0.content: "{\\"city\\":\\"Paris\\"}"',
        '    gen_ai.output.type: "json"',
      ].join('\n'),
    );
  });

  it('multi-step tool loop: one span per provider call, both under the app span', async () => {
    const execute = vi.fn(async ({ city }: { city: string }) => ({ city, celsius: 21 }));
    const model = v.wrap(
      v.model({
        steps: [
          { toolCalls: [{ id: 'call-1', name: 'weather', input: '{"city":"Paris"}' }], responseId: 'step-1' },
          { text: 'It is 21°C in Paris.', responseId: 'step-2' },
        ],
      }),
      agentopsMiddleware(),
    );
    const result = await inAppSpan(() =>
      v.generateText({
        model,
        prompt: 'Weather in Paris?',
        tools: {
          weather: v.tool({
            description: 'Current weather',
            inputSchema: v.jsonSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
            execute,
          }),
        },
        stopWhen: v.stepCountIs(3),
      }),
    );
    expect(result.text).toBe('It is 21°C in Paris.');
    expect(execute).toHaveBeenCalledOnce();
    expect(
      tree([
        ATTR.RESPONSE_ID,
        ATTR.RESPONSE_FINISH_REASONS,
        'gen_ai.request.functions.0.name',
        'gen_ai.request.functions.0.description',
        'gen_ai.prompt.1.role',
        'gen_ai.prompt.2.role',
        'gen_ai.prompt.2.content',
        'gen_ai.completion.0.tool_calls.0.id',
        'gen_ai.completion.0.tool_calls.0.name',
        'gen_ai.completion.0.tool_calls.0.arguments',
        'gen_ai.completion.0.content',
      ]),
    ).toBe(
      [
        'app [INTERNAL]',
        '  mock-model.llm [CLIENT]',
        '      gen_ai.completion.0.tool_calls.0.arguments: "{\\"city\\":\\"Paris\\"}"',
        '      gen_ai.completion.0.tool_calls.0.id: "call-1"',
        '      gen_ai.completion.0.tool_calls.0.name: "weather"',
        '      gen_ai.request.functions.0.description: "Current weather"',
        '      gen_ai.request.functions.0.name: "weather"',
        '      gen_ai.response.finish_reasons: ["tool_call"]',
        '      gen_ai.response.id: "step-1"',
        '  mock-model.llm [CLIENT]',
        '      gen_ai.completion.0.content: "It is 21°C in Paris."',
        '      gen_ai.prompt.1.role: "assistant"',
        '      gen_ai.prompt.2.content: "{\\"city\\":\\"Paris\\",\\"celsius\\":21}"',
        '      gen_ai.prompt.2.role: "tool"',
        '      gen_ai.request.functions.0.description: "Current weather"',
        '      gen_ai.request.functions.0.name: "weather"',
        '      gen_ai.response.finish_reasons: ["stop"]',
        '      gen_ai.response.id: "step-2"',
      ].join('\n'),
    );
  });

  it('an API error, then success on the SDK’s retry: two spans, the first with the error and status 429', async () => {
    const rateLimited = new v.APICallError({
      message: 'Rate limit reached',
      url: 'https://api.example.com/v1/chat',
      requestBodyValues: { prompt: 'secret prompt' },
      statusCode: 429,
      responseHeaders: { 'retry-after-ms': '1' },
      isRetryable: true,
    });
    const model = v.wrap(v.model({ steps: [rateLimited, { text: 'Finally' }] }), agentopsMiddleware());
    const result = await inAppSpan(() => v.generateText({ model, prompt: 'Hi', maxRetries: 2 }));
    expect(result.text).toBe('Finally');
    const [app] = spanTree(tracing.spans(), {
      attributes: [
        ATTR.HTTP_STATUS_CODE,
        ATTR.ERROR_TYPE,
        ATTR.RETRY_ATTEMPT,
        'agentops.error.retryable',
        'gen_ai.completion.0.content',
      ],
    });
    expect(app).toMatchObject({
      name: 'app',
      children: [
        {
          name: 'mock-model.llm',
          status: 'ERROR',
          statusMessage: 'AI_APICallError: Rate limit reached',
          attributes: {
            [ATTR.HTTP_STATUS_CODE]: 429,
            [ATTR.ERROR_TYPE]: 'AI_APICallError',
            'agentops.error.retryable': true,
          },
          events: [{ name: 'exception', attributes: { 'exception.type': 'AI_APICallError' } }],
        },
        {
          name: 'mock-model.llm',
          status: 'UNSET',
          attributes: { [ATTR.RETRY_ATTEMPT]: 1, 'gen_ai.completion.0.content': 'Finally' },
          events: [],
        },
      ],
    });
    expect(app?.children).toHaveLength(2);
    expect(JSON.stringify(tracing.spans().map((span) => span.attributes))).not.toContain('secret prompt');
  });

  it('streamText retries a rejected doStream: one span per attempt', async () => {
    const unavailable = new v.APICallError({
      message: 'Overloaded',
      url: 'https://api.example.com/v1/chat',
      requestBodyValues: {},
      statusCode: 503,
      responseHeaders: { 'retry-after-ms': '1' },
      isRetryable: true,
    });
    const model = v.wrap(v.model({ steps: [unavailable, { text: 'Streamed' }] }), agentopsMiddleware());
    expect(await v.streamText({ model, prompt: 'Hi', maxRetries: 1 }).text).toBe('Streamed');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(2));
    const spans = spanTree(tracing.spans(), { attributes: [ATTR.HTTP_STATUS_CODE, ATTR.RETRY_ATTEMPT] });
    // The attempt number comes from the SDK re-sending the same prompt array; ai@7's streamText rebuilds the prompt
    // for each attempt, so there the retry is a second span without the number.
    expect(spans.map((span) => [span.status, span.attributes])).toEqual([
      ['ERROR', { [ATTR.HTTP_STATUS_CODE]: 503 }],
      ['UNSET', v.name === 'ai@7' ? {} : { [ATTR.RETRY_ATTEMPT]: 1 }],
    ]);
  });

  it('an error the SDK does not retry fails the call and its span with the same error', async () => {
    const error = new v.APICallError({
      message: 'Bad request',
      url: 'https://api.example.com/v1/chat',
      requestBodyValues: {},
      statusCode: 400,
      isRetryable: false,
    });
    const model = v.wrap(v.model({ steps: [error] }), agentopsMiddleware());
    await expect(v.generateText({ model, prompt: 'Hi', maxRetries: 2 })).rejects.toBe(error);
    expect(tracing.spans()).toHaveLength(1);
    expect(attributesOf(0)).toMatchObject({ [ATTR.HTTP_STATUS_CODE]: 400, 'agentops.error.retryable': false });
  });

  it('abort mid-stream: the span ends as an error, with the output streamed so far', async () => {
    const controller = new AbortController();
    const model = v.wrap(
      v.model({ steps: [{ text: 'This will be cut' }], stream: hangingAfter(4) }),
      agentopsMiddleware(),
    );
    const result = v.streamText({ model, prompt: 'Long answer', abortSignal: controller.signal, onError: () => {} });
    const received: string[] = [];
    for await (const part of result.fullStream) {
      const type = (part as { type: string }).type;
      received.push(type);
      if (type === 'text-delta') controller.abort();
    }
    expect(received).toContain('text-delta');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    expect(onlySpan([ATTR.ERROR_TYPE, 'gen_ai.completion.0.content', ATTR.STREAMING_CHUNK_COUNT])).toMatchObject({
      status: 'ERROR',
      attributes: {
        [ATTR.ERROR_TYPE]: 'AbortError',
        'gen_ai.completion.0.content': 'Thi',
        [ATTR.STREAMING_CHUNK_COUNT]: 1,
      },
    });
  });

  it('abandoned stream: the span ends as incomplete after the idle timeout', async () => {
    const model = v.wrap(
      v.model({ steps: [{ text: 'x'.repeat(3000) }] }),
      agentopsMiddleware({ streamIdleTimeoutMs: 30 }),
    ) as { doStream: (params: unknown) => Promise<{ stream: ReadableStream<unknown> }> };
    const { stream } = await model.doStream({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'Long' }] }] });
    const reader = stream.getReader();
    expect(await reader.read()).toMatchObject({ done: false, value: { type: 'stream-start' } });
    // The consumer stops here: it neither reads to the end nor cancels.
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1), { timeout: 5000 });
    expect(onlySpan([ATTR.INCOMPLETE, ATTR.REQUEST_MODEL])).toMatchObject({
      status: 'UNSET',
      attributes: { [ATTR.INCOMPLETE]: true, [ATTR.REQUEST_MODEL]: 'mock-model' },
    });
    expect(attributesOf(0)[ATTR.INCOMPLETE_REASON]).toBeTypeOf('string');
  });

  it('a streamText result the app stops reading', async () => {
    const model = v.wrap(
      v.model({ steps: [{ text: 'x'.repeat(3000) }] }),
      agentopsMiddleware({ streamIdleTimeoutMs: 30 }),
    );
    const result = v.streamText({ model, prompt: 'Long answer' });
    const iterator = result.textStream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toBe('xxx');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1), { timeout: 5000 });
    const span = onlySpan([ATTR.INCOMPLETE, 'gen_ai.completion.0.content']);
    if (v.name === 'ai@7') {
      // ai@7 applies backpressure to the model stream: it stalls, and the idle timeout ends the span, with the
      // output that streamed before it stalled (the call's snapshot).
      expect(span.attributes[ATTR.INCOMPLETE]).toBe(true);
      const partial = span.attributes['gen_ai.completion.0.content'];
      expect(partial).toMatch(/^x{3,}$/);
      expect((partial as string).length).toBeLessThan(3000);
    } else {
      // ai@5 and ai@6 read the model stream to the end on their own, so the span ends normally.
      expect(span.attributes[ATTR.INCOMPLETE]).toBeUndefined();
      expect(span.attributes['gen_ai.completion.0.content']).toBe('x'.repeat(3000));
    }
  });

  it('a stream that errors mid-body ends its span with that error', async () => {
    const failure = new Error('connection reset');
    const model = v.wrap(
      v.model({
        steps: [{ text: 'Partial answer' }],
        stream: (parts) => {
          let index = 0;
          return new ReadableStream({
            pull(controller) {
              if (index < 4) controller.enqueue(parts[index++]);
              else controller.error(failure);
            },
          });
        },
      }),
      agentopsMiddleware(),
    );
    const errors: unknown[] = [];
    const result = v.streamText({
      model,
      prompt: 'Hi',
      onError: ({ error }: { error: unknown }) => errors.push(error),
    });
    const drain = async () => {
      for await (const _ of result.fullStream) {
        // read to the end
      }
    };
    // ai@5 and ai@6 end fullStream with an error part; ai@7 also rethrows the error from it.
    await drain().catch((error: unknown) => errors.push(error));
    expect(errors).toContain(failure);
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(1));
    expect(onlySpan([ATTR.ERROR_TYPE, ATTR.ERROR_MESSAGE, 'gen_ai.completion.0.content'])).toMatchObject({
      status: 'ERROR',
      statusMessage: 'Error: connection reset',
      attributes: {
        [ATTR.ERROR_TYPE]: 'Error',
        [ATTR.ERROR_MESSAGE]: 'connection reset',
        'gen_ai.completion.0.content': 'Par',
      },
    });
  });

  it('providerOptions.agentops: recorded on the span and never forwarded to the provider', async () => {
    const calls: unknown[] = [];
    const model = v.wrap(
      v.model({ steps: [{ text: 'ok' }], calls }),
      agentopsMiddleware({ metadata: { tags: ['base'], attributes: { team: 'core' } } }),
    );
    const providerOptions = {
      agentops: { sessionId: 'session-1', userId: 'user-7', conversationId: 'thread-3', tags: ['beta'] },
      openai: { user: 'keep-me' },
    };
    await v.generateText({ model, prompt: 'Hi', providerOptions });
    const stream = v.streamText({ model, prompt: 'Hi', providerOptions: { agentops: { captureContent: false } } });
    await stream.text;
    expect((calls[0] as { providerOptions?: unknown }).providerOptions).toEqual({ openai: { user: 'keep-me' } });
    expect((calls[1] as { providerOptions?: unknown }).providerOptions).toBeUndefined();
    expect(providerOptions.agentops.sessionId).toBe('session-1');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(2));
    expect(attributesOf(0)).toMatchObject({
      [ATTR.SESSION_ID_GENERAL]: 'session-1',
      [ATTR.USER_ID]: 'user-7',
      [ATTR.CONVERSATION_ID]: 'thread-3',
      [ATTR.TAGS]: ['base', 'beta'],
      team: 'core',
    });
    const second = attributesOf(1);
    expect(second[ATTR.TAGS]).toEqual(['base']);
    expect(Object.keys(second).some((key) => key.startsWith('gen_ai.prompt.') && key.endsWith('.content'))).toBe(false);
    expect(Object.keys(second).some((key) => key.startsWith('gen_ai.completion.') && key.endsWith('.content'))).toBe(
      false,
    );
  });

  it('the wrapped model hands back the model’s own result and stream parts, untouched', async () => {
    const reply = { text: 'same objects', toolCalls: [{ id: 'c', name: 't', input: '{}' }] };
    const parts = streamParts(v.spec, reply);
    const inner = v.model({ steps: [reply], stream: () => pullStream(parts) }) as {
      doGenerate: (params: unknown) => Promise<unknown>;
    };
    let generated: unknown;
    const original = inner.doGenerate.bind(inner);
    inner.doGenerate = async (params) => {
      generated = await original(params);
      return generated;
    };
    const wrapped = v.wrap(inner, agentopsMiddleware()) as {
      doGenerate: (params: unknown) => Promise<unknown>;
      doStream: (params: unknown) => Promise<{ stream: ReadableStream<unknown> }>;
    };
    const params = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
    expect(await wrapped.doGenerate(params)).toBe(generated);
    const { stream } = await wrapped.doStream(params);
    const received: unknown[] = [];
    for await (const part of stream as unknown as AsyncIterable<unknown>) received.push(part);
    expect(received).toHaveLength(parts.length);
    for (const [index, part] of received.entries()) expect(part).toBe(parts[index]);
  });
});

describe('models of an older spec version', () => {
  const [ai5, ai6, ai7] = aiVersions as [AiVersion, AiVersion, AiVersion];
  const usageKeys = [
    ATTR.USAGE_INPUT_TOKENS,
    ATTR.USAGE_OUTPUT_TOKENS,
    ATTR.USAGE_CACHE_READ_INPUT_TOKENS,
    ATTR.USAGE_REASONING_OUTPUT_TOKENS,
    ATTR.RESPONSE_FINISH_REASONS,
    'gen_ai.completion.0.content',
  ];
  const reply = { text: 'converted', usage: { input: 9, output: 4, cacheRead: 3, reasoning: 1 } };
  const expected = {
    [ATTR.USAGE_INPUT_TOKENS]: 9,
    [ATTR.USAGE_OUTPUT_TOKENS]: 4,
    [ATTR.USAGE_CACHE_READ_INPUT_TOKENS]: 3,
    [ATTR.USAGE_REASONING_OUTPUT_TOKENS]: 1,
    [ATTR.RESPONSE_FINISH_REASONS]: ['stop'],
    'gen_ai.completion.0.content': 'converted',
  };

  it.each([
    ['a V2 model in ai@7 (the SDK converts it to V4 first)', ai7, ai5],
    ['a V3 model in ai@7 (the SDK converts it to V4 first)', ai7, ai6],
    ['a V2 model in ai@6 (no conversion: the middleware sees V2 shapes)', ai6, ai5],
  ])('%s', async (_, sdk, modelVersion) => {
    const inner = modelVersion.model({ steps: [reply] });
    const wrapped = sdk.wrap(inner, agentopsMiddleware()) as {
      doGenerate: (params: unknown) => Promise<unknown>;
      doStream: (params: unknown) => Promise<{ stream: ReadableStream<unknown> }>;
    };
    const params = { prompt: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] };
    await wrapped.doGenerate(params);
    const { stream } = await wrapped.doStream(params);
    for await (const _ of stream as unknown as AsyncIterable<unknown>) {
      // read to the end
    }
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(2));
    for (const span of spanTree(tracing.spans(), { attributes: usageKeys })) expect(span.attributes).toEqual(expected);
  });
});

describe('agentopsMiddleware', () => {
  it('calls doStream before anything is awaited', () => {
    const middleware = agentopsMiddleware();
    const doStream = vi.fn(() => new Promise<never>(() => {}));
    void middleware.wrapStream({ doGenerate: vi.fn(), doStream, params: { prompt: [] }, model: {} });
    expect(doStream).toHaveBeenCalledOnce();
  });

  it('gives every call its own key, so concurrent calls never share a span', async () => {
    const model = aiVersions[2]?.wrap(aiVersions[2].model({ steps: [{ text: 'a' }] }), agentopsMiddleware()) as {
      doGenerate: (params: unknown) => Promise<unknown>;
    };
    await Promise.all(Array.from({ length: 20 }, () => model.doGenerate({ prompt: [] })));
    const ids = new Set(tracing.spans().map((span) => span.spanContext().spanId));
    expect(ids.size).toBe(20);
  });

  it('runs the provider call inside the LLM span, so HTTP spans nest under it', async () => {
    const middleware = agentopsMiddleware();
    await middleware.wrapGenerate({
      doGenerate: async () => {
        tracing.tracer.startSpan('http POST').end();
        return { content: [], finishReason: 'stop', usage: {} };
      },
      doStream: vi.fn(),
      params: { prompt: [] },
      model: { provider: 'openai.chat', modelId: 'gpt-4.1' },
    });
    expect(tracing.tree({ attributes: [ATTR.PROVIDER_NAME, ATTR.SYSTEM] })).toBe(
      [
        'gpt-4.1.llm [CLIENT]',
        '    gen_ai.provider.name: "openai"',
        '    gen_ai.system: "openai"',
        '  http POST [INTERNAL]',
      ].join('\n'),
    );
  });

  it('a start that throws (a hostile metadata option) leaves the call untraced, with its result intact', async () => {
    const metadata = {
      get tags(): string[] {
        throw new Error('hostile getter');
      },
    };
    const middleware = agentopsMiddleware({ metadata });
    const result = { content: [{ type: 'text', text: 'fine' }], finishReason: 'stop', usage: {} };
    const params = { prompt: [], providerOptions: { agentops: { tags: ['call'] } } };
    const transformed = await middleware.transformParams?.({ params, type: 'generate', model: {} } as never);
    await expect(
      middleware.wrapGenerate({ doGenerate: async () => result, doStream: vi.fn(), params: transformed, model: {} }),
    ).resolves.toBe(result);
    expect(tracing.spans()).toHaveLength(0);
  });

  it.each([
    ['captureContent: false', { captureContent: false }, undefined],
    ['AGENTOPS_CAPTURE_CONTENT=false', {}, 'false'],
  ] as const)('%s: tool schemas and the prompt are never read', async (_name, options, env) => {
    if (env) vi.stubEnv('AGENTOPS_CAPTURE_CONTENT', env);
    const reads: string[] = [];
    const tool = {
      type: 'function',
      name: 'get_weather',
      get inputSchema(): unknown {
        reads.push('tool schema');
        return { type: 'object' };
      },
    };
    const prompt = new Proxy([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }], {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads.push('prompt');
        return Reflect.get(target, key, receiver);
      },
    });
    const middleware = agentopsMiddleware(options);
    vi.unstubAllEnvs();
    await middleware.wrapGenerate({
      doGenerate: async () => ({ content: [{ type: 'text', text: 'ok' }], finishReason: 'stop', usage: {} }),
      doStream: vi.fn(),
      params: { prompt, tools: [tool] },
      model: { provider: 'openai.chat', modelId: 'gpt-4.1' },
    });
    expect(reads).toEqual([]);
    const attributes = tracing.spans()[0]?.attributes ?? {};
    expect(attributes[ATTR.REQUEST_MODEL]).toBe('gpt-4.1');
    expect(
      Object.keys(attributes).filter((key) => /^gen_ai\.(prompt|completion|request\.functions)\./.test(key)),
    ).toEqual([]);
  });

  it('records nothing and stays out of the way when disabled', async () => {
    const middleware = agentopsMiddleware({ disabled: true });
    const result = { content: [], finishReason: 'stop', usage: {} };
    expect(
      await middleware.wrapGenerate({ doGenerate: async () => result, doStream: vi.fn(), params: {}, model: {} }),
    ).toBe(result);
    expect(tracing.spans()).toHaveLength(0);
  });
});
