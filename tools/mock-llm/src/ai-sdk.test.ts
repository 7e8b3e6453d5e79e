import { createOpenAI } from '@ai-sdk/openai';
import { APICallError, generateText, isStepCount, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type MockLlm, startMockLlm } from './server.ts';
import { isRecord } from './text.ts';

let mock: MockLlm;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  mock = await startMockLlm();
  openai = createOpenAI({ baseURL: mock.url, apiKey: 'test' });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => mock.reset());

const weather = tool({
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `Sunny in ${city}`,
});

function bodyOf(index: number): Record<string, unknown> {
  const body = mock.requests[index]?.body;
  if (!isRecord(body)) throw new Error(`request ${index} has no JSON body`);
  return body;
}

describe('@ai-sdk/openai chat completions model (openai.chat)', () => {
  it('generateText: text, finish reason, usage with cached tokens, response id', async () => {
    const result = await generateText({ model: openai.chat('mock-cached-3'), prompt: 'hello there' });
    expect(result.text).toBe('Echo: hello there');
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({
      inputTokens: 5,
      inputTokenDetails: { noCacheTokens: 2, cacheReadTokens: 3 },
      outputTokens: 3,
      outputTokenDetails: { textTokens: 3, reasoningTokens: 0 },
      totalTokens: 8,
    });
    expect(result.response.id).toBe('chatcmpl-mock-1');
    expect(mock.requests[0]?.path).toBe('/v1/chat/completions');
  });

  it('streamText: deltas, usage from the include_usage chunk', async () => {
    const result = streamText({ model: openai.chat('mock-reasoning-2'), prompt: 'one two three' });
    const deltas: string[] = [];
    const types = new Set<string>();
    for await (const part of result.fullStream) {
      types.add(part.type);
      if (part.type === 'text-delta') deltas.push(part.text);
    }
    expect(types).not.toContain('error');
    expect(deltas.join('')).toBe('Echo: one two three');
    expect(deltas.filter((d) => d !== '')).toEqual(['Echo:', ' one', ' two', ' three']);
    expect(await result.usage).toMatchObject({
      inputTokens: 3,
      outputTokens: 6,
      outputTokenDetails: { textTokens: 4, reasoningTokens: 2 },
    });
    expect(await result.finishReason).toBe('stop');
    expect(bodyOf(0)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('runs a tool loop: tool call, execution, text answer', async () => {
    const result = await generateText({
      model: openai.chat('mock-model'),
      prompt: 'weather in Paris?',
      tools: { weather },
      stopWhen: isStepCount(3),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((c) => [c.toolName, c.input])).toEqual([['weather', { city: 'mock' }]]);
    expect(result.steps[0]?.toolResults.map((r) => r.output)).toEqual(['Sunny in mock']);
    expect(result.text).toBe('Tool result: Sunny in mock');
    const second = bodyOf(1).messages as unknown[];
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_mock_1', content: 'Sunny in mock' });
  });

  it('streams a tool call and its follow-up', async () => {
    const result = streamText({
      model: openai.chat('mock-model'),
      prompt: 'weather?',
      tools: { weather },
      stopWhen: isStepCount(3),
    });
    expect(await result.text).toBe('Tool result: Sunny in mock');
    const steps = await result.steps;
    expect(steps[0]?.toolCalls[0]).toMatchObject({ toolCallId: 'call_mock_1', toolName: 'weather' });
    expect(steps[0]?.finishReason).toBe('tool-calls');
  });

  it('retries mock-flaky-2 (429 twice) and succeeds on the third attempt', async () => {
    const result = await generateText({ model: openai.chat('mock-flaky-2'), prompt: 'hi', maxRetries: 2 });
    expect(result.text).toBe('Echo: hi');
    expect(mock.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('surfaces mock-error-429 as an APICallError', async () => {
    const error = await generateText({ model: openai.chat('mock-error-429'), prompt: 'hi', maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    if (!APICallError.isInstance(error)) return;
    expect(error.statusCode).toBe(429);
    expect(error.isRetryable).toBe(true);
    expect(error.message).toBe('Rate limit reached for requests (mock). Please try again later.');
  });
});

describe('@ai-sdk/openai default model (Responses API)', () => {
  it('generateText: text, usage with cached tokens, response id', async () => {
    const result = await generateText({ model: openai('mock-cached-1'), system: 'Be brief.', prompt: 'hello' });
    expect(mock.requests[0]?.path).toBe('/v1/responses');
    expect(result.text).toBe('Echo: hello');
    expect(result.finishReason).toBe('stop');
    expect(result.response.id).toBe('resp_mock_1');
    expect(result.usage).toMatchObject({
      inputTokens: 4,
      inputTokenDetails: { cacheReadTokens: 1, noCacheTokens: 3 },
      outputTokens: 2,
      totalTokens: 6,
    });
  });

  it('streamText: deltas and usage from response.completed, no error parts', async () => {
    const result = streamText({ model: openai('mock-model'), prompt: 'a b c', includeRawChunks: true });
    const deltas: string[] = [];
    const types = new Set<string>();
    for await (const part of result.fullStream) {
      types.add(part.type);
      if (part.type === 'text-delta') deltas.push(part.text);
    }
    expect(deltas).toEqual(['Echo:', ' a', ' b', ' c']);
    expect(types).not.toContain('error');
    expect([...types]).toEqual(expect.arrayContaining(['text-start', 'text-delta', 'text-end', 'finish']));
    expect(await result.usage).toMatchObject({ inputTokens: 3, outputTokens: 4, totalTokens: 7 });
    expect(bodyOf(0).stream).toBe(true);
  });

  it('runs a tool loop through function_call / function_call_output', async () => {
    const result = await generateText({
      model: openai('mock-model'),
      prompt: 'weather?',
      tools: { weather },
      stopWhen: isStepCount(3),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((c) => c.input)).toEqual([{ city: 'mock' }]);
    expect(result.text).toBe('Tool result: Sunny in mock');
    const input = bodyOf(1).input as unknown[];
    expect(input.at(-1)).toMatchObject({ type: 'function_call_output', call_id: 'call_mock_1' });
  });

  it('streams a function call and its follow-up', async () => {
    const result = streamText({
      model: openai('mock-model'),
      prompt: 'weather?',
      tools: { weather },
      stopWhen: isStepCount(3),
    });
    expect(await result.text).toBe('Tool result: Sunny in mock');
    expect((await result.steps)[0]?.toolCalls[0]?.input).toEqual({ city: 'mock' });
  });
});
