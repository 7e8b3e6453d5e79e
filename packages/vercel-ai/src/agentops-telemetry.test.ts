/*
 * AgentOpsTelemetry on ai@7 with MockLanguageModelV4: the whole span tree of a tool loop (run → steps → LLM and tool
 * spans), generated and streamed, with and without the middleware, aborted, failing, and what flows to every span.
 */
import { ATTR, startSession, withSession } from '@agentops/llm-callback-core';
import { context, trace } from '@opentelemetry/api';
import {
  APICallError,
  embed,
  embedMany,
  generateText,
  isStepCount,
  registerTelemetry,
  rerank,
  streamText,
  wrapLanguageModel,
} from 'ai';
import { MockEmbeddingModelV4, MockLanguageModelV4, MockRerankingModelV4 } from 'ai/test';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { streamParts } from './__fixtures__/ai-versions.js';
import { render, scriptedModel, TOOL_LOOP, testTracing, tools } from './__fixtures__/telemetry-harness.js';
import { AgentOpsTelemetry, agentopsMiddleware } from './index.js';
import { CHUNK_GAP_PREFIX, RUNTIME_CONTEXT_PREFIX } from './telemetry-keys.js';

const tracing = testTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined;
});

const TREE_KEYS = [
  ATTR.SPAN_KIND,
  ATTR.AI_SDK_FUNCTION_ID,
  ATTR.ENTITY_INPUT,
  ATTR.ENTITY_OUTPUT,
  ATTR.STEP_NUMBER,
  ATTR.STEP_FINISH_REASON,
  ATTR.REQUEST_MODEL,
  ATTR.REQUEST_STREAM,
  ATTR.USAGE_PROMPT_TOKENS,
  ATTR.USAGE_COMPLETION_TOKENS,
  ATTR.RESPONSE_FINISH_REASONS,
  'gen_ai.prompt.0.content',
  'gen_ai.prompt.2.role',
  'gen_ai.completion.0.content',
  'gen_ai.completion.0.tool_calls.0.name',
  'gen_ai.completion.0.tool_calls.1.name',
  ATTR.TOOL_ID,
  ATTR.TOOL_DESCRIPTION,
  ATTR.TOOL_PARAMETERS,
  ATTR.TOOL_RESULT,
  ATTR.TOOL_STATUS,
  ATTR.ERROR_TYPE,
  ATTR.INCOMPLETE,
];

const PROMPT = 'Weather in Paris, and ACME?';

/** The tool loop's tree: `stream` is what `gen_ai.request.stream` says. */
function toolLoopTree(stream: boolean): string {
  return [
    'weather-bot.agent [INTERNAL]',
    '    agentops.ai_sdk.function_id: "weather-bot"',
    `    agentops.entity.input: "[{\\"role\\":\\"user\\",\\"content\\":\\"${PROMPT}\\"}]"`,
    '    agentops.entity.output: "Sunny in Paris; the market is closed."',
    '    agentops.span.kind: "agent"',
    '  step-0.task [INTERNAL]',
    '      agentops.span.kind: "task"',
    '      agentops.step.finish_reason: "tool-calls"',
    '      agentops.step.number: 0',
    '    mock-model-id.llm [CLIENT]',
    '        agentops.span.kind: "llm"',
    '        gen_ai.completion.0.tool_calls.0.name: "weather"',
    '        gen_ai.completion.0.tool_calls.1.name: "stocks"',
    `        gen_ai.prompt.0.content: "${PROMPT}"`,
    '        gen_ai.request.model: "mock-model-id"',
    `        gen_ai.request.stream: ${stream}`,
    '        gen_ai.response.finish_reasons: ["tool_call"]',
    '        gen_ai.usage.completion_tokens: 8',
    '        gen_ai.usage.prompt_tokens: 12',
    '    weather.tool [INTERNAL]',
    '        agentops.span.kind: "tool"',
    '        tool.description: "Weather for a city"',
    '        tool.id: "call-1"',
    '        tool.parameters: "{\\"city\\":\\"Paris\\"}"',
    '        tool.result: "Sunny in Paris"',
    '        tool.status: "succeeded"',
    '    stocks.tool [INTERNAL] ERROR("Error: market closed")',
    '        agentops.span.kind: "tool"',
    '        error.type: "Error"',
    '        tool.id: "call-2"',
    '        tool.parameters: "{\\"symbol\\":\\"ACME\\"}"',
    '        tool.status: "failed"',
    '        event exception',
    '          exception.message: "market closed"',
    '          exception.type: "Error"',
    '  step-1.task [INTERNAL]',
    '      agentops.entity.output: "Sunny in Paris; the market is closed."',
    '      agentops.span.kind: "task"',
    '      agentops.step.finish_reason: "stop"',
    '      agentops.step.number: 1',
    '    mock-model-id.llm [CLIENT]',
    '        agentops.span.kind: "llm"',
    '        gen_ai.completion.0.content: "Sunny in Paris; the market is closed."',
    `        gen_ai.prompt.0.content: "${PROMPT}"`,
    '        gen_ai.prompt.2.role: "tool"',
    '        gen_ai.request.model: "mock-model-id"',
    `        gen_ai.request.stream: ${stream}`,
    '        gen_ai.response.finish_reasons: ["stop"]',
    '        gen_ai.usage.completion_tokens: 9',
    '        gen_ai.usage.prompt_tokens: 30',
  ].join('\n');
}

function llmSpans() {
  return tracing.spans().filter((span) => span.attributes[ATTR.SPAN_KIND] === 'llm');
}

type Run = (model: MockLanguageModelV4 | ReturnType<typeof wrapLanguageModel>, telemetry: object) => Promise<unknown>;

const runs: [string, boolean, Run][] = [
  [
    'generateText',
    false,
    (model, telemetry) => generateText({ model, prompt: PROMPT, tools, stopWhen: isStepCount(3), telemetry }),
  ],
  [
    'streamText',
    true,
    async (model, telemetry) => {
      const result = streamText({ model, prompt: PROMPT, tools, stopWhen: isStepCount(3), telemetry });
      return await result.text;
    },
  ],
];

describe.each(runs)('%s tool loop, two tools, one failing', (_, stream, run) => {
  it('records the run, its steps, their model calls and tool executions as one tree', async () => {
    await run(scriptedModel(TOOL_LOOP), { integrations: [new AgentOpsTelemetry()], functionId: 'weather-bot' });
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(7));
    expect(render(tracing, TREE_KEYS)).toBe(toolLoopTree(stream));
    expect(tracing.spans().every((span) => span.attributes[ATTR.FRAMEWORK] === 'vercel-ai')).toBe(true);
  });

  it("adds the SDK's performance figures to each model call", async () => {
    await run(scriptedModel(TOOL_LOOP), { integrations: [new AgentOpsTelemetry()] });
    await vi.waitFor(() => expect(llmSpans()).toHaveLength(2));
    const expected = [
      ATTR.PERFORMANCE_RESPONSE_TIME,
      ATTR.PERFORMANCE_EFFECTIVE_OUTPUT_TOKENS_PER_SECOND,
      ATTR.PERFORMANCE_EFFECTIVE_TOTAL_TOKENS_PER_SECOND,
      ...(stream
        ? [
            ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT,
            ATTR.PERFORMANCE_OUTPUT_TOKENS_PER_SECOND,
            ATTR.PERFORMANCE_INPUT_TOKENS_PER_SECOND,
            `${CHUNK_GAP_PREFIX}median`,
            `${CHUNK_GAP_PREFIX}max`,
            ATTR.STREAMING_CHUNK_COUNT,
          ]
        : []),
    ];
    for (const span of llmSpans()) {
      for (const key of expected) expect(span.attributes[key], key).toBeTypeOf('number');
      if (!stream) expect(span.attributes[ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT]).toBeUndefined();
    }
  });

  it('with the middleware also in place: the same tree, one LLM span per call, usage once', async () => {
    const model = wrapLanguageModel({ model: scriptedModel(TOOL_LOOP), middleware: agentopsMiddleware() });
    await run(model, { integrations: [new AgentOpsTelemetry()], functionId: 'weather-bot' });
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(7));
    expect(render(tracing, TREE_KEYS)).toBe(toolLoopTree(stream));
    const promptTokens = llmSpans().map((span) => span.attributes[ATTR.USAGE_PROMPT_TOKENS]);
    expect(promptTokens).toEqual([12, 30]);
  });

  it('registered once with registerTelemetry', async () => {
    registerTelemetry(new AgentOpsTelemetry());
    await run(scriptedModel(TOOL_LOOP), { functionId: 'weather-bot' });
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(7));
    expect(render(tracing, TREE_KEYS)).toBe(toolLoopTree(stream));
  });

  it('with telemetry turned off for the call, only the middleware records', async () => {
    registerTelemetry(new AgentOpsTelemetry());
    const model = wrapLanguageModel({ model: scriptedModel(TOOL_LOOP), middleware: agentopsMiddleware() });
    await run(model, { isEnabled: false });
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(2));
    expect(tracing.spans().map((span) => span.name)).toEqual(['mock-model-id.llm', 'mock-model-id.llm']);
  });

  it('session, user and tags reach every span of the run', async () => {
    const session = startSession({ name: 'support', tags: ['prod'] });
    await context.with(session.context, () =>
      run(scriptedModel(TOOL_LOOP), {
        integrations: [new AgentOpsTelemetry({ metadata: { tags: ['bot'] } })],
        includeRuntimeContext: { agentops: true, plan: true },
      }),
    );
    session.end();
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(8));
    const ours = tracing.spans().filter((span) => span.attributes[ATTR.SPAN_KIND] !== 'session');
    expect(ours).toHaveLength(7);
    for (const span of ours) {
      expect(span.attributes[ATTR.SESSION_ID_GENERAL], span.name).toBe(session.sessionId);
      expect(span.attributes[ATTR.TAGS], span.name).toEqual(['bot']);
    }
    expect(render(tracing, [ATTR.SPAN_KIND]).split('\n')[0]).toBe('support.session [INTERNAL] OK');
  });
});

describe('what flows from runtimeContext and providerOptions', () => {
  it('a session started elsewhere (none active, no span active): the run nests under the newest open one', async () => {
    const session = startSession({ name: 'background' });
    await generateText({
      model: scriptedModel([{ text: 'ok' }]),
      prompt: 'Hi',
      telemetry: { integrations: [new AgentOpsTelemetry()] },
    });
    session.end();
    expect(render(tracing, [ATTR.SESSION_ID_GENERAL]).split('\n')).toEqual([
      'background.session [INTERNAL] OK',
      `    session.id: "${session.sessionId}"`,
      '  generateText.workflow [INTERNAL]',
      `      session.id: "${session.sessionId}"`,
      '    step-0.task [INTERNAL]',
      `        session.id: "${session.sessionId}"`,
      '      mock-model-id.llm [CLIENT]',
      `          session.id: "${session.sessionId}"`,
    ]);
  });

  it('user, conversation and tags to every span; other allow-listed entries to the run span only', async () => {
    await generateText({
      model: scriptedModel(TOOL_LOOP),
      prompt: PROMPT,
      tools,
      stopWhen: isStepCount(3),
      runtimeContext: {
        agentops: { userId: 'user-7', conversationId: 'thread-3', tags: ['beta'] },
        plan: 'pro',
        account: { id: 42 },
        secret: 'not allow-listed',
      },
      providerOptions: { agentops: { tags: ['eu'] } },
      telemetry: {
        integrations: [new AgentOpsTelemetry()],
        includeRuntimeContext: { agentops: true, plan: true, account: true },
      },
    });
    expect(tracing.spans()).toHaveLength(7);
    for (const span of tracing.spans()) {
      expect(span.attributes[ATTR.USER_ID], span.name).toBe('user-7');
      expect(span.attributes[ATTR.TAGS], span.name).toEqual(['beta', 'eu']);
    }
    for (const span of llmSpans()) expect(span.attributes[ATTR.CONVERSATION_ID]).toBe('thread-3');
    const [run] = tracing.spans().filter((span) => span.attributes[ATTR.SPAN_KIND] === 'agent');
    expect(run?.attributes).toMatchObject({
      [`${RUNTIME_CONTEXT_PREFIX}plan`]: 'pro',
      [`${RUNTIME_CONTEXT_PREFIX}account`]: '{"id":42}',
      [ATTR.AI_SDK_OPERATION]: 'ai.generateText',
    });
    expect(JSON.stringify(tracing.spans().map((span) => span.attributes))).not.toContain('not allow-listed');
    expect(llmSpans()[0]?.attributes[`${RUNTIME_CONTEXT_PREFIX}plan`]).toBeUndefined();
  });

  it('captureContent: false in runtimeContext.agentops keeps content off every span', async () => {
    await generateText({
      model: scriptedModel(TOOL_LOOP),
      prompt: PROMPT,
      tools,
      stopWhen: isStepCount(3),
      runtimeContext: { agentops: { captureContent: false } },
      telemetry: { integrations: [new AgentOpsTelemetry()], includeRuntimeContext: { agentops: true } },
    });
    expect(tracing.spans()).toHaveLength(7);
    const text = JSON.stringify(tracing.spans().map((span) => span.attributes));
    // Error messages are not content: the failed tool keeps its (redacted) `error.message`.
    for (const secret of ['Weather in Paris', 'Sunny', 'ACME']) expect(text).not.toContain(secret);
    expect(llmSpans()[0]?.attributes[ATTR.USAGE_PROMPT_TOKENS]).toBe(12);
  });

  it('recordOutputs: false keeps outputs off the LLM, step and run spans; inputs stay', async () => {
    await generateText({
      model: scriptedModel(TOOL_LOOP),
      prompt: PROMPT,
      tools,
      stopWhen: isStepCount(3),
      telemetry: { integrations: [new AgentOpsTelemetry()], recordOutputs: false, functionId: 'weather-bot' },
    });
    const text = JSON.stringify(tracing.spans().map((span) => span.attributes));
    expect(text).not.toContain('Sunny in Paris; the market');
    expect(text).not.toContain('gen_ai.completion.0.tool_calls');
    expect(llmSpans()[0]?.attributes['gen_ai.prompt.0.content']).toBe(PROMPT);
    expect(llmSpans()[1]?.attributes[ATTR.USAGE_COMPLETION_TOKENS]).toBe(9);
  });
});

describe('ending every span', () => {
  it('an aborted streamText run: the model call keeps what streamed; step and run fail with the abort', async () => {
    const parts = streamParts('v4', { text: 'Hello there, general Kenobi' });
    const model = new MockLanguageModelV4({
      doStream: async ({ abortSignal }) => {
        let index = 0;
        // A provider mid-answer: five parts, then nothing until the request is aborted.
        const stream = new ReadableStream(
          {
            start(controller) {
              abortSignal?.addEventListener('abort', () => controller.error(abortSignal.reason), { once: true });
            },
            pull(controller) {
              if (index < 5) controller.enqueue(parts[index++]);
              else return new Promise(() => {});
            },
          },
          { highWaterMark: 0 },
        );
        return { stream } as never;
      },
    });
    const abort = new AbortController();
    const result = streamText({
      model,
      prompt: 'Hi',
      abortSignal: abort.signal,
      telemetry: { integrations: [new AgentOpsTelemetry()] },
    });
    const seen: string[] = [];
    for await (const part of result.fullStream) {
      seen.push(part.type);
      if (part.type === 'text-delta') abort.abort();
    }
    expect(seen).toContain('abort');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(3));
    expect(render(tracing, [ATTR.SPAN_KIND, ATTR.ERROR_TYPE, 'gen_ai.completion.0.content'])).toBe(
      [
        'streamText.workflow [INTERNAL] ERROR("AbortError: This operation was aborted")',
        '    agentops.span.kind: "workflow"',
        '    error.type: "AbortError"',
        '    event exception',
        '      exception.message: "This operation was aborted"',
        '      exception.type: "AbortError"',
        '  step-0.task [INTERNAL] ERROR("AbortError: This operation was aborted")',
        '      agentops.span.kind: "task"',
        '      error.type: "AbortError"',
        '      event exception',
        '        exception.message: "This operation was aborted"',
        '        exception.type: "AbortError"',
        '    mock-model-id.llm [CLIENT] ERROR("AbortError: This operation was aborted")',
        '        agentops.span.kind: "llm"',
        '        error.type: "AbortError"',
        '        gen_ai.completion.0.content: "Hello "',
        '        event exception',
        '          exception.message: "This operation was aborted"',
        '          exception.type: "AbortError"',
      ].join('\n'),
    );
  });

  it('a provider that keeps failing: each attempt is a span; the step and the run fail', async () => {
    const error = new APICallError({
      message: 'upstream down',
      url: 'https://api.example.test/v1/chat',
      requestBodyValues: {},
      statusCode: 503,
      isRetryable: true,
    });
    const model = scriptedModel([error]);
    await expect(
      generateText({ model, prompt: 'Hi', maxRetries: 1, telemetry: { integrations: [new AgentOpsTelemetry()] } }),
    ).rejects.toThrow();
    expect(
      render(tracing, [
        ATTR.SPAN_KIND,
        ATTR.RETRY_ATTEMPT,
        ATTR.ERROR_TYPE,
        ATTR.ERROR_RETRYABLE,
        ATTR.HTTP_STATUS_CODE,
      ]),
    ).toBe(
      [
        'generateText.workflow [INTERNAL] ERROR("AI_RetryError: Failed after 2 attempts. Last error: AI_APICallError: upstream down")',
        '    agentops.span.kind: "workflow"',
        '    error.type: "AI_RetryError"',
        '    event exception',
        '      exception.message: "Failed after 2 attempts. Last error: AI_APICallError: upstream down"',
        '      exception.type: "AI_RetryError"',
        '  step-0.task [INTERNAL] ERROR("AI_RetryError: Failed after 2 attempts. Last error: AI_APICallError: upstream down")',
        '      agentops.span.kind: "task"',
        '      error.type: "AI_RetryError"',
        '      event exception',
        '        exception.message: "Failed after 2 attempts. Last error: AI_APICallError: upstream down"',
        '        exception.type: "AI_RetryError"',
        '    mock-model-id.llm [CLIENT] ERROR("AI_APICallError: upstream down")',
        '        agentops.error.retryable: true',
        '        agentops.span.kind: "llm"',
        '        error.type: "AI_APICallError"',
        '        http.response.status_code: 503',
        '        event exception',
        '          exception.message: "upstream down"',
        '          exception.type: "AI_APICallError"',
        '    mock-model-id.llm [CLIENT] ERROR("AI_APICallError: upstream down")',
        '        agentops.error.retryable: true',
        '        agentops.retry.attempt: 1',
        '        agentops.span.kind: "llm"',
        '        error.type: "AI_APICallError"',
        '        http.response.status_code: 503',
        '        event exception',
        '          exception.message: "upstream down"',
        '          exception.type: "AI_APICallError"',
      ].join('\n'),
    );
  });
});

describe('tool code runs with its tool span active', () => {
  it('a generateText inside a tool nests its whole run under the tool span', async () => {
    const integration = new AgentOpsTelemetry();
    const inner = scriptedModel([{ text: 'inner answer' }]);
    const nested = {
      research: {
        ...tools.weather,
        execute: async () => {
          const active = trace.getActiveSpan();
          const { text } = await generateText({
            model: inner,
            prompt: 'Inner question',
            telemetry: { integrations: [integration], functionId: 'researcher' },
          });
          return `${text} (${active === undefined ? 'no span' : 'tool span active'})`;
        },
      },
    };
    await generateText({
      model: scriptedModel([{ toolCalls: [{ id: 'call-1', name: 'research', input: '{}' }] }, { text: 'Done' }]),
      prompt: 'Research it',
      tools: nested,
      stopWhen: isStepCount(3),
      telemetry: { integrations: [integration], functionId: 'lead' },
    });
    expect(render(tracing, [ATTR.TOOL_RESULT])).toBe(
      [
        'lead.agent [INTERNAL]',
        '  step-0.task [INTERNAL]',
        '    mock-model-id.llm [CLIENT]',
        '    research.tool [INTERNAL]',
        '        tool.result: "inner answer (tool span active)"',
        '      researcher.workflow [INTERNAL]',
        '        step-0.task [INTERNAL]',
        '          mock-model-id.llm [CLIENT]',
        '  step-1.task [INTERNAL]',
        '    mock-model-id.llm [CLIENT]',
      ].join('\n'),
    );
  });
});

describe('embeddings and rerank', () => {
  it('embed and embedMany: one `embeddings` LLM span per model call, with usage', async () => {
    const model = new MockEmbeddingModelV4({
      maxEmbeddingsPerCall: 2,
      doEmbed: async ({ values }) => ({
        embeddings: values.map(() => [0.1, 0.2]),
        usage: { tokens: values.length * 3 },
        warnings: [],
      }),
    });
    const telemetry = { integrations: [new AgentOpsTelemetry()] };
    await withSession({ name: 'search' }, async () => {
      await embed({ model, value: 'one', telemetry });
      await embedMany({ model, values: ['a', 'b', 'c'], telemetry });
    });
    expect(
      render(tracing, [
        ATTR.OPERATION_NAME,
        ATTR.USAGE_PROMPT_TOKENS,
        'gen_ai.prompt.0.content',
        'gen_ai.prompt.1.content',
      ]),
    ).toBe(
      [
        'search.session [INTERNAL] OK',
        '  mock-model-id.llm [CLIENT]',
        '      gen_ai.operation.name: "embeddings"',
        '      gen_ai.prompt.0.content: "one"',
        '      gen_ai.usage.prompt_tokens: 3',
        '  mock-model-id.llm [CLIENT]',
        '      gen_ai.operation.name: "embeddings"',
        '      gen_ai.prompt.0.content: "a"',
        '      gen_ai.prompt.1.content: "b"',
        '      gen_ai.usage.prompt_tokens: 6',
        '  mock-model-id.llm [CLIENT]',
        '      gen_ai.operation.name: "embeddings"',
        '      gen_ai.prompt.0.content: "c"',
        '      gen_ai.usage.prompt_tokens: 3',
      ].join('\n'),
    );
  });

  it('rerank: a `rerank` LLM span with the query and the ranking', async () => {
    const model = new MockRerankingModelV4({
      doRerank: async () => ({
        ranking: [
          { index: 1, relevanceScore: 0.9 },
          { index: 0, relevanceScore: 0.2 },
        ],
      }),
    });
    await rerank({
      model,
      query: 'sunny',
      documents: ['rain', 'sun'],
      telemetry: { integrations: [new AgentOpsTelemetry()] },
    });
    expect(render(tracing, [ATTR.OPERATION_NAME, 'gen_ai.prompt.0.content', 'gen_ai.completion.0.content'])).toBe(
      [
        'mock-model-id.llm [CLIENT]',
        '    gen_ai.completion.0.content: "[{\\"index\\":1,\\"relevanceScore\\":0.9},{\\"index\\":0,\\"relevanceScore\\":0.2}]"',
        '    gen_ai.operation.name: "rerank"',
        '    gen_ai.prompt.0.content: "sunny"',
      ].join('\n'),
    );
  });
});

describe('never in the way', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
    },
  );

  it('every callback takes anything without throwing or recording', async () => {
    const integration = new AgentOpsTelemetry();
    const callbacks = [
      'onStart',
      'onStepStart',
      'onLanguageModelCallEnd',
      'onToolExecutionStart',
      'onToolExecutionEnd',
      'onStepEnd',
      'onStepError',
      'onEmbedStart',
      'onEmbedEnd',
      'onRerankStart',
      'onRerankEnd',
      'onEnd',
      'onAbort',
      'onError',
    ] as const;
    for (const name of callbacks) {
      for (const event of [undefined, null, 3, 'x', {}, hostile, { callId: 'never-started', stepNumber: 0 }]) {
        expect(() => integration[name](event), name).not.toThrow();
      }
    }
    // An operation the integration does not record, then events for it.
    integration.onStart({ callId: 'c', operationId: 'ai.generateSpeech' });
    integration.onStepStart({ callId: 'c', stepNumber: 0 });
    integration.onEnd({ callId: 'c' });
    expect(await integration.executeTool({ execute: async () => 'tool' })).toBe('tool');
    expect(tracing.spans()).toEqual([]);
    // A provider call outside any run it knows is still a call: recorded as what can be read of it.
    const options = {
      get callId(): string {
        throw new Error('trap');
      },
      messages: hostile,
      execute: async () => 'model',
    };
    expect(await integration.executeLanguageModelCall(options)).toBe('model');
    expect(tracing.spans().map((span) => span.name)).toEqual(['chat.llm']);
  });

  it('errors from the provider and from tools reach the app unchanged', async () => {
    const error = new Error('tool broke');
    const integration = new AgentOpsTelemetry();
    await expect(integration.executeTool({ execute: async () => Promise.reject(error) })).rejects.toBe(error);
    await expect(
      integration.executeLanguageModelCall({ callId: 'x', execute: async () => Promise.reject(error) }),
    ).rejects.toBe(error);
  });
});
