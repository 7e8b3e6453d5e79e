import { Ajv2020 } from 'ajv/dist/2020.js';
import draft07 from 'ajv/dist/refs/json-schema-draft-07.json' with { type: 'json' };
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import inputSchema from '../__fixtures__/semconv/gen-ai-input-messages.json' with { type: 'json' };
import outputSchema from '../__fixtures__/semconv/gen-ai-output-messages.json' with { type: 'json' };
import systemSchema from '../__fixtures__/semconv/gen-ai-system-instructions.json' with { type: 'json' };
import toolSchema from '../__fixtures__/semconv/gen-ai-tool-definitions.json' with { type: 'json' };
import { type CallStartEvent, type CoreOptions, createLlmSpanRecorder } from '../index.js';
import { setupTracing } from '../test-support/otel.js';

const tracing = setupTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());

const ajv = new Ajv2020({ strict: false, allErrors: true, formats: { binary: true } });
// The tool-definitions schema refers to the draft-07 meta-schema for `parameters`.
ajv.addMetaSchema(draft07);
const validators = {
  'gen_ai.input.messages': ajv.compile(inputSchema),
  'gen_ai.output.messages': ajv.compile(outputSchema),
  'gen_ai.system_instructions': ajv.compile(systemSchema),
  'gen_ai.tool.definitions': ajv.compile(toolSchema),
};

/** A call with every kind of data the event model carries. */
const richStart: Omit<CallStartEvent, 'key'> = {
  framework: 'test',
  operation: 'chat',
  provider: 'anthropic.messages',
  model: 'claude-sonnet-4',
  stream: true,
  serverAddress: 'api.anthropic.com',
  serverPort: 443,
  params: {
    temperature: 0.3,
    maxTokens: 512,
    topP: 0.9,
    topK: 40,
    frequencyPenalty: 0.1,
    presencePenalty: 0.2,
    stopSequences: ['END'],
    seed: 7,
    choiceCount: 2,
    responseFormat: 'json',
    toolChoice: 'auto',
  },
  tools: [
    {
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  ],
  messages: [
    { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
    {
      role: 'user',
      parts: [
        { type: 'text', content: 'Weather in Paris? Here is a photo.' },
        { type: 'uri', modality: 'image', mimeType: 'image/png', uri: 'https://example.com/p.png' },
        { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBORw0KGgo=' },
        { type: 'file', modality: 'image', fileId: 'file-123' },
      ],
    },
    {
      role: 'assistant',
      parts: [
        { type: 'reasoning', content: 'Need the weather tool.' },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
    },
    { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { tempC: 21 } }] },
  ],
  metadata: {
    sessionId: 's-1',
    userId: 'u-1',
    conversationId: 'c-1',
    tags: ['beta'],
    attributes: { 'app.route': '/chat' },
  },
};

function runRichCall(options: CoreOptions = {}) {
  const recorder = createLlmSpanRecorder(options);
  const handle = recorder.startCall({ ...richStart, key: `rich-${Math.random()}` });
  handle.chunk();
  handle.chunk();
  handle.end({
    outputs: [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Done.' },
          { type: 'text', content: 'Sunny, 21°C.' },
          { type: 'tool_call', id: 'call_2', name: 'get_weather', arguments: { city: 'Lyon' } },
        ],
        finishReason: 'end_turn',
      },
    ],
    finishReasons: ['end_turn'],
    usage: {
      inputTokens: 120,
      outputTokens: 40,
      cacheReadInputTokens: 100,
      cacheCreationInputTokens: 20,
      reasoningTokens: 10,
    },
    responseId: 'msg_01',
    responseModel: 'claude-sonnet-4-20250514',
    responseCreated: new Date('2026-11-01T10:00:00Z'),
    cost: 0.00123,
    warnings: ['topK is not supported'],
  });
  const span = tracing.spans().at(-1);
  if (!span) throw new Error('no span');
  return span;
}

describe('LLM span mapping', () => {
  it('records the whole data list with AgentOps keys and GenAI scalar keys by default', () => {
    const span = runRichCall();
    expect(span.name).toBe('claude-sonnet-4.llm');
    expect(span.kind).toBe(2); // CLIENT
    expect(span.attributes).toMatchObject({
      'agentops.span.kind': 'llm',
      'agentops.framework': 'test',
      'gen_ai.operation.name': 'chat',
      'gen_ai.system': 'anthropic',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.type': 'chat',
      'gen_ai.request.model': 'claude-sonnet-4',
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.max_tokens': 512,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.frequency_penalty': 0.1,
      'gen_ai.request.presence_penalty': 0.2,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.request.seed': 7,
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stream': true,
      'gen_ai.request.streaming': true,
      'gen_ai.output.type': 'json',
      'agentops.request.tool_choice': 'auto',
      'server.address': 'api.anthropic.com',
      'server.port': 443,
      'gen_ai.request.functions.0.name': 'get_weather',
      'gen_ai.request.functions.0.description': 'Weather for a city',
      'gen_ai.request.functions.0.parameters': JSON.stringify(richStart.tools?.[0]?.parameters),
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content': 'You are terse.',
      'gen_ai.prompt.1.role': 'user',
      'gen_ai.prompt.2.role': 'assistant',
      'gen_ai.prompt.2.reasoning': 'Need the weather tool.',
      'gen_ai.prompt.2.tool_calls.0.id': 'call_1',
      'gen_ai.prompt.2.tool_calls.0.name': 'get_weather',
      'gen_ai.prompt.2.tool_calls.0.arguments': '{"city":"Paris"}',
      'gen_ai.prompt.3.role': 'tool',
      'gen_ai.prompt.3.tool_call_id': 'call_1',
      'gen_ai.prompt.3.content': '{"tempC":21}',
      'gen_ai.completion.0.role': 'assistant',
      'gen_ai.completion.0.content': 'Sunny, 21°C.',
      'gen_ai.completion.0.reasoning': 'Done.',
      'gen_ai.completion.0.finish_reason': 'end_turn',
      'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
      'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Lyon"}',
      'gen_ai.response.id': 'msg_01',
      'gen_ai.response.model': 'claude-sonnet-4-20250514',
      'gen_ai.response.finish_reason': 'end_turn',
      'gen_ai.response.finish_reasons': ['stop'],
      'agentops.response.created_at': '2026-11-01T10:00:00.000Z',
      'agentops.warnings': ['topK is not supported'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'gen_ai.usage.cache_creation.input_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 10,
      'gen_ai.usage.prompt_tokens': 120,
      'gen_ai.usage.completion_tokens': 40,
      'gen_ai.usage.total_tokens': 160,
      'gen_ai.usage.cache_read_input_tokens': 100,
      'gen_ai.usage.cache_creation_input_tokens': 20,
      'gen_ai.usage.reasoning_tokens': 10,
      'gen_ai.usage.total_cost': 0.00123,
      'gen_ai.streaming.chunk_count': 2,
      'session.id': 's-1',
      'user.id': 'u-1',
      'gen_ai.conversation.id': 'c-1',
      'agentops.tags': ['beta'],
      'app.route': '/chat',
    });
    const prompt1 = JSON.parse(String(span.attributes['gen_ai.prompt.1.content']));
    expect(prompt1).toEqual([
      { type: 'text', content: 'Weather in Paris? Here is a photo.' },
      { type: 'uri', modality: 'image', mimeType: 'image/png', uri: 'https://example.com/p.png' },
      { type: 'blob', modality: 'image', mimeType: 'image/png', content: 'iVBORw0KGgo=' },
      { type: 'file', modality: 'image', fileId: 'file-123' },
    ]);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
    // Integers, as the AgentOps backend parses them with toUInt64OrZero.
    for (const key of ['gen_ai.usage.prompt_tokens', 'gen_ai.usage.completion_tokens', 'gen_ai.usage.total_tokens']) {
      expect(Number.isInteger(span.attributes[key])).toBe(true);
    }
  });

  it('emits GenAI JSON attributes that validate against the official schemas when opted in', () => {
    vi.stubEnv('OTEL_SEMCONV_STABILITY_OPT_IN', 'http,gen_ai_latest_experimental');
    let span: ReturnType<typeof runRichCall>;
    try {
      span = runRichCall();
    } finally {
      vi.unstubAllEnvs();
    }
    for (const [key, validate] of Object.entries(validators)) {
      const value = span.attributes[key];
      expect(typeof value, key).toBe('string');
      const parsed = JSON.parse(String(value));
      expect(Array.isArray(parsed) && parsed.length > 0, key).toBe(true);
      expect(validate(parsed), `${key}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    expect(JSON.parse(String(span.attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'You are terse.' },
    ]);
    const input = JSON.parse(String(span.attributes['gen_ai.input.messages']));
    expect(input.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(input[1].parts[1]).toEqual({
      type: 'tool_call',
      id: 'call_1',
      name: 'get_weather',
      arguments: { city: 'Paris' },
    });
    expect(input[2].parts[0]).toEqual({ type: 'tool_call_response', id: 'call_1', response: { tempC: 21 } });
    const output = JSON.parse(String(span.attributes['gen_ai.output.messages']));
    expect(output[0].finish_reason).toBe('stop');
    expect(JSON.parse(String(span.attributes['gen_ai.tool.definitions']))[0]).toMatchObject({
      type: 'function',
      name: 'get_weather',
    });
  });

  it('with AgentOps keys off, uses GenAI names and drops the AgentOps keys', () => {
    const span = runRichCall({ semconv: { agentops: false, genaiLatest: true } });
    expect(span.name).toBe('chat claude-sonnet-4');
    const keys = Object.keys(span.attributes);
    expect(keys.filter((key) => key.startsWith('gen_ai.prompt.') || key.startsWith('gen_ai.completion.'))).toEqual([]);
    for (const key of ['agentops.span.kind', 'gen_ai.system', 'gen_ai.usage.prompt_tokens', 'agentops.tags']) {
      expect(span.attributes[key], key).toBeUndefined();
    }
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(120);
    expect(span.attributes['gen_ai.input.messages']).toBeTypeOf('string');
  });

  it('metadata capture keeps roles, sizes and counts but no text, arguments or results', () => {
    const span = runRichCall({ captureContent: 'metadata', semconv: { genaiLatest: true } });
    const text = JSON.stringify(span.attributes);
    for (const secret of [
      'You are terse',
      'Paris',
      'Lyon',
      'Sunny',
      'tempC',
      'Need the weather',
      'Weather for a city',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(span.attributes).toMatchObject({
      'gen_ai.prompt.0.role': 'system',
      'gen_ai.prompt.0.content_length': 'You are terse.'.length,
      'gen_ai.completion.0.content_length': 'Sunny, 21°C.'.length,
      'gen_ai.prompt.2.tool_calls.0.name': 'get_weather',
      'gen_ai.request.functions.0.name': 'get_weather',
      'gen_ai.usage.input_tokens': 120,
    });
  });

  it('capture none records no message data; the per-call opt-out does the same', () => {
    for (const span of [
      runRichCall({ captureContent: false }),
      (() => {
        const recorder = createLlmSpanRecorder();
        recorder.startCall({ ...richStart, key: 'opt-out', captureContent: false }).end({ usage: { inputTokens: 1 } });
        return tracing.spans().at(-1);
      })(),
    ]) {
      const keys = Object.keys(span?.attributes ?? {});
      expect(keys.some((key) => /^gen_ai\.(prompt|completion|request\.functions)\./.test(key))).toBe(false);
      expect(span?.attributes['gen_ai.request.model']).toBe('claude-sonnet-4');
    }
  });

  it('honours AGENTOPS_CAPTURE_CONTENT and OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', () => {
    for (const [name, value] of [
      ['AGENTOPS_CAPTURE_CONTENT', 'false'],
      ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'false'],
    ] as const) {
      vi.stubEnv(name, value);
      try {
        const span = runRichCall();
        expect(span.attributes['gen_ai.prompt.0.content'], name).toBeUndefined();
        expect(createLlmSpanRecorder().contentCapture, name).toBe('none');
      } finally {
        vi.unstubAllEnvs();
      }
    }
  });

  it('tells adapters the resolved capture before any call (contentCapture)', () => {
    expect(createLlmSpanRecorder().contentCapture).toBe('all');
    expect(createLlmSpanRecorder({ captureContent: 'metadata' }).contentCapture).toBe('metadata');
    expect(createLlmSpanRecorder({ captureContent: false }).contentCapture).toBe('none');
    expect(createLlmSpanRecorder({ disabled: true }).contentCapture).toBe('none');
    vi.stubEnv('AGENTOPS_CAPTURE_CONTENT', 'metadata');
    try {
      expect(createLlmSpanRecorder().contentCapture).toBe('metadata');
      // An explicit option wins over the environment.
      expect(createLlmSpanRecorder({ captureContent: true }).contentCapture).toBe('all');
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reads time to first token reported by the framework', () => {
    const recorder = createLlmSpanRecorder();
    const start = Date.now() - 3000;
    recorder.startCall({ key: 'ttft', model: 'reported', startTime: start, stream: true });
    recorder.endCall({ key: 'ttft', firstChunkTime: start + 250, endTime: start + 2000 });
    const span = tracing.spans().at(-1);
    expect(span?.attributes['gen_ai.response.time_to_first_chunk']).toBeCloseTo(0.25, 3);
    expect(span?.attributes['gen_ai.streaming.time_to_first_token']).toBeCloseTo(0.25, 3);
  });

  it('drops a bad field and keeps the span', () => {
    const recorder = createLlmSpanRecorder();
    const params = {
      temperature: Number.NaN,
      get maxTokens(): number {
        throw new Error('getter');
      },
      topP: '0.5',
      stopSequences: ['ok', 3, null],
    };
    recorder.startCall({ key: 'bad-field', model: 'bad', params: params as never, messages: 'not an array' as never });
    recorder.endCall({ key: 'bad-field', usage: { inputTokens: -1, outputTokens: 2.6 } });
    const span = tracing.spans().at(-1);
    expect(span?.attributes).toMatchObject({
      'gen_ai.request.top_p': 0.5,
      'gen_ai.request.stop_sequences': ['ok', '3'],
    });
    expect(span?.attributes['gen_ai.request.temperature']).toBeUndefined();
    expect(span?.attributes['gen_ai.request.max_tokens']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span?.attributes['gen_ai.usage.output_tokens']).toBe(3);
  });

  it('a field that throws when read costs that field only, on the start and end events, params and usage', () => {
    // Mappings read an event's fields directly and, when one read throws, read them again one by one: every other
    // field must come out exactly as from the same events without the throwing field.
    const throwingOn = <T extends object>(target: T, key: string): T =>
      new Proxy(target, {
        get(object, property, receiver) {
          if (property === key) throw new Error(`reading ${key}`);
          return Reflect.get(object, property, receiver);
        },
      });
    const start = {
      framework: 'test',
      provider: 'openai',
      model: 'gpt-4.1',
      serverAddress: 'api.openai.com',
      metadata: { sessionId: 'session-1', userId: 'user-1' },
      params: { temperature: 0.3, maxTokens: 512, topP: 0.9, seed: 7 },
    };
    const end = {
      finishReasons: ['stop'],
      usage: { inputTokens: 120, outputTokens: 40, reasoningTokens: 10 },
      responseId: 'resp-1',
      responseModel: 'gpt-4.1-2025',
      cost: 0.5,
    };
    const record = (startEvent: object, endEvent: object) => {
      const recorder = createLlmSpanRecorder({ captureContent: false });
      const key = `throwing-${Math.random()}`;
      recorder.startCall({ ...(startEvent as CallStartEvent), key });
      recorder.endCall({ ...endEvent, key });
      const span = tracing.spans().at(-1);
      if (!span) throw new Error('no span');
      return span.attributes;
    };
    const without = (attributes: Record<string, unknown>, ...keys: string[]) =>
      Object.fromEntries(Object.entries(attributes).filter(([key]) => !keys.includes(key)));
    const expected = record(start, end);
    expect(expected).toMatchObject({ 'gen_ai.request.top_p': 0.9, 'gen_ai.usage.reasoning_tokens': 10 });

    // The spread copies the start event's getters' values, so the Proxy goes one level down for it.
    const hostileStart = { ...start, params: throwingOn(start.params, 'topP') };
    expect(record(hostileStart, end)).toEqual(without(expected, 'gen_ai.request.top_p'));
    const hostileUsage = { ...end, usage: throwingOn(end.usage, 'reasoningTokens') };
    expect(record(start, hostileUsage)).toEqual(
      without(expected, 'gen_ai.usage.reasoning_tokens', 'gen_ai.usage.reasoning.output_tokens'),
    );
    const recorder = createLlmSpanRecorder({ captureContent: false });
    recorder.startCall(throwingOn({ ...start, key: 'hostile-start' }, 'serverAddress') as CallStartEvent);
    recorder.endCall(throwingOn({ ...end, key: 'hostile-start' }, 'responseModel'));
    expect(tracing.spans().at(-1)?.attributes).toEqual(without(expected, 'server.address', 'gen_ai.response.model'));
  });
});

describe('run span mapping', () => {
  it('maps tools, agents, chains and retrievers to AgentOps keys, without gen_ai keys', () => {
    const recorder = createLlmSpanRecorder({ framework: 'test' });
    recorder.startRun({ key: 'agent', kind: 'agent', name: 'planner', input: { goal: 'trip' } });
    recorder.startRun({ key: 'chain', kind: 'chain', name: 'RunnableSequence', parentKey: 'agent', input: 'q' });
    recorder.startRun({
      key: 'tool',
      kind: 'tool',
      name: 'search',
      parentKey: 'chain',
      input: { q: 'paris' },
      tool: { callId: 'call_9', description: 'web search' },
    });
    recorder.endRun({ key: 'tool', output: ['a', 'b'] });
    recorder.startRun({ key: 'retriever', kind: 'retriever', name: 'docs', parentKey: 'chain', input: 'paris' });
    const error = Object.assign(new TypeError('index offline'), {
      stack: 'TypeError: index offline\n    at search (index.ts:1:1)',
    });
    recorder.failRun({ key: 'retriever', error });
    recorder.endRun({ key: 'chain', output: { answer: 42 } });
    recorder.endRun({ key: 'agent', output: 'ok' });
    const tree = tracing.tree({ attributes: (key) => !key.startsWith('session') });
    expect(tree).toMatchInlineSnapshot(`
      "planner.agent [INTERNAL]
          agent.name: "planner"
          agentops.entity.input: "{\\"goal\\":\\"trip\\"}"
          agentops.entity.name: "planner"
          agentops.entity.output: "ok"
          agentops.framework: "test"
          agentops.run.type: "agent"
          agentops.span.kind: "agent"
        RunnableSequence.task [INTERNAL]
            agentops.entity.input: "q"
            agentops.entity.name: "RunnableSequence"
            agentops.entity.output: "{\\"answer\\":42}"
            agentops.framework: "test"
            agentops.run.type: "chain"
            agentops.span.kind: "task"
          search.tool [INTERNAL]
              agentops.entity.name: "search"
              agentops.framework: "test"
              agentops.run.type: "tool"
              agentops.span.kind: "tool"
              tool.description: "web search"
              tool.id: "call_9"
              tool.name: "search"
              tool.parameters: "{\\"q\\":\\"paris\\"}"
              tool.result: "[\\"a\\",\\"b\\"]"
              tool.status: "succeeded"
          docs.operation [INTERNAL] ERROR("TypeError: index offline")
              agentops.entity.input: "paris"
              agentops.entity.name: "docs"
              agentops.framework: "test"
              agentops.run.type: "retriever"
              agentops.span.kind: "operation"
              error.message: "index offline"
              error.type: "TypeError"
              event exception
                exception.message: "index offline"
                exception.stacktrace: "TypeError: index offline\\n    at search (index.ts:1:1)"
                exception.type: "TypeError""
    `);
    expect(tracing.spans().every((span) => !Object.keys(span.attributes).some((k) => k.startsWith('gen_ai.')))).toBe(
      true,
    );
  });

  it('uses GenAI tool and agent keys and names when AgentOps keys are off', () => {
    const recorder = createLlmSpanRecorder({ semconv: { agentops: false } });
    recorder.startRun({ key: 'a', kind: 'agent', name: 'helper' });
    recorder.startRun({
      key: 't',
      kind: 'tool',
      name: 'calc',
      parentKey: 'a',
      input: { x: 1 },
      tool: { callId: 'c1' },
    });
    recorder.endRun({ key: 't', output: 2 });
    recorder.endRun({ key: 'a' });
    const [agent] = tracing.spans().filter((s) => s.name === 'invoke_agent helper');
    const [tool] = tracing.spans().filter((s) => s.name === 'execute_tool calc');
    expect(agent?.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' });
    expect(tool?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'calc',
      'gen_ai.tool.call.id': 'c1',
      'gen_ai.tool.call.arguments': '{"x":1}',
      'gen_ai.tool.call.result': '2',
      'gen_ai.tool.type': 'function',
    });
    expect(tool?.attributes['tool.name']).toBeUndefined();
  });
});
