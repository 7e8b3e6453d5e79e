/*
 * AgentOpsTelemetry with the real `@ai-sdk/openai` provider over HTTP (JSON and SSE) against the deterministic mock
 * server: a three-step tool loop in which one of two tools fails, generated and streamed.
 */
import { ATTR } from '@agentops/llm-callback-core';
import { type MockLlm, startMockLlm } from '@agentops-internal/mock-llm';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, isStepCount, jsonSchema, type PrepareStepFunction, streamText, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { render, testTracing } from './__fixtures__/telemetry-harness.js';
import { AgentOpsTelemetry } from './index.js';

const tracing = testTracing();
let mock: MockLlm;
let openai: ReturnType<typeof createOpenAI>;

beforeAll(async () => {
  mock = await startMockLlm();
  openai = createOpenAI({ baseURL: mock.url, apiKey: 'sk-test-not-a-real-key-0000000000' });
});
afterAll(async () => {
  await mock.close();
  await tracing.shutdown();
});
beforeEach(() => {
  mock.reset();
  tracing.reset();
});

/** The mock fills required string arguments with "mock". `stocks` always fails. */
const tools = {
  weather: tool({
    description: 'Weather for a city',
    inputSchema: jsonSchema<{ city: string }>({
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
    }),
    execute: async ({ city }) => `Sunny in ${city}`,
  }),
  stocks: tool({
    inputSchema: jsonSchema<{ symbol: string }>({
      type: 'object',
      properties: { symbol: { type: 'string' } },
      required: ['symbol'],
    }),
    execute: async (): Promise<string> => {
      throw new Error('market closed');
    },
  }),
};

/** The mock calls one tool per request: step 0 asks for the weather, step 1 (with a follow-up) for stocks. */
const prepareStep: PrepareStepFunction<typeof tools> = ({ stepNumber, messages }) => {
  if (stepNumber === 0) return { toolChoice: { type: 'tool', toolName: 'weather' } };
  if (stepNumber === 1) {
    return {
      messages: [...messages, { role: 'user', content: 'And the stocks?' }],
      toolChoice: { type: 'tool', toolName: 'stocks' },
    };
  }
  return {};
};

const KEYS = [
  ATTR.SPAN_KIND,
  ATTR.ENTITY_OUTPUT,
  ATTR.STEP_NUMBER,
  ATTR.STEP_FINISH_REASON,
  ATTR.REQUEST_STREAM,
  ATTR.TOOL_CHOICE,
  ATTR.RESPONSE_ID,
  ATTR.USAGE_PROMPT_TOKENS,
  ATTR.USAGE_COMPLETION_TOKENS,
  ATTR.SERVER_ADDRESS,
  'gen_ai.prompt.3.content',
  'gen_ai.completion.0.content',
  'gen_ai.completion.0.tool_calls.0.name',
  ATTR.TOOL_ID,
  ATTR.TOOL_PARAMETERS,
  ATTR.TOOL_RESULT,
  ATTR.TOOL_STATUS,
  ATTR.ERROR_TYPE,
];

/** The whole tree; generated and streamed runs differ only in `gen_ai.request.stream`. */
function expectedTree(stream: boolean): string {
  const llm = (id: number, choice: string, prompt: number, completion: number, lines: string[]) => [
    '    gpt-4o-mini.llm [CLIENT]',
    `        agentops.request.tool_choice: "${choice}"`,
    '        agentops.span.kind: "llm"',
    ...lines,
    `        gen_ai.request.stream: ${stream}`,
    `        gen_ai.response.id: "chatcmpl-mock-${id}"`,
    `        gen_ai.usage.completion_tokens: ${completion}`,
    `        gen_ai.usage.prompt_tokens: ${prompt}`,
    '        server.address: "127.0.0.1"',
  ];
  const answer = '"Tool result: {\\"error\\":\\"Error: market closed\\"}"';
  return [
    'assistant.agent [INTERNAL]',
    `    agentops.entity.output: ${answer}`,
    '    agentops.span.kind: "agent"',
    '  step-0.task [INTERNAL]',
    '      agentops.span.kind: "task"',
    '      agentops.step.finish_reason: "tool-calls"',
    '      agentops.step.number: 0',
    ...llm(1, 'weather', 4, 2, ['        gen_ai.completion.0.tool_calls.0.name: "weather"']),
    '    weather.tool [INTERNAL]',
    '        agentops.span.kind: "tool"',
    '        tool.id: "call_mock_1"',
    '        tool.parameters: "{\\"city\\":\\"mock\\"}"',
    '        tool.result: "Sunny in mock"',
    '        tool.status: "succeeded"',
    '  step-1.task [INTERNAL]',
    '      agentops.span.kind: "task"',
    '      agentops.step.finish_reason: "tool-calls"',
    '      agentops.step.number: 1',
    ...llm(2, 'stocks', 11, 2, [
      '        gen_ai.completion.0.tool_calls.0.name: "stocks"',
      '        gen_ai.prompt.3.content: "And the stocks?"',
    ]),
    '    stocks.tool [INTERNAL] ERROR("Error: market closed")',
    '        agentops.span.kind: "tool"',
    '        error.type: "Error"',
    '        tool.id: "call_mock_2"',
    '        tool.parameters: "{\\"symbol\\":\\"mock\\"}"',
    '        tool.status: "failed"',
    '        event exception',
    '          exception.message: "market closed"',
    '          exception.type: "Error"',
    '  step-2.task [INTERNAL]',
    `      agentops.entity.output: ${answer}`,
    '      agentops.span.kind: "task"',
    '      agentops.step.finish_reason: "stop"',
    '      agentops.step.number: 2',
    ...llm(3, 'auto', 15, 5, [
      `        gen_ai.completion.0.content: ${answer}`,
      '        gen_ai.prompt.3.content: "And the stocks?"',
    ]),
  ].join('\n');
}

describe.each([
  ['generateText', false],
  ['streamText', true],
])('%s over HTTP', (_, stream) => {
  it('a three-step loop with two tools, one failing: run → steps → LLM and tool spans', async () => {
    const args = {
      model: openai.chat('gpt-4o-mini'),
      prompt: 'What is the weather?',
      tools,
      prepareStep,
      stopWhen: isStepCount(4),
      telemetry: { integrations: [new AgentOpsTelemetry()], functionId: 'assistant' },
    };
    const text = stream ? await streamText(args).text : (await generateText(args)).text;
    expect(text).toBe('Tool result: {"error":"Error: market closed"}');
    await vi.waitFor(() => expect(tracing.spans()).toHaveLength(9));
    expect(render(tracing, KEYS)).toBe(expectedTree(stream));
    expect(mock.requests).toHaveLength(3);
    const llm = tracing.spans().filter((span) => span.attributes[ATTR.SPAN_KIND] === 'llm');
    for (const span of llm) {
      expect(span.attributes[ATTR.SERVER_PORT]).toBe(mock.port);
      expect(span.attributes[ATTR.PERFORMANCE_RESPONSE_TIME]).toBeTypeOf('number');
      if (stream) expect(span.attributes[ATTR.PERFORMANCE_TIME_TO_FIRST_OUTPUT]).toBeTypeOf('number');
    }
    expect(JSON.stringify(tracing.spans().map((span) => span.attributes))).not.toContain('sk-test');
  });
});
