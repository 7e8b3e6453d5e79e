import { createTestTracing, type TestTracing } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { jsonSchema, tool } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { generateResult, pullStream, type Reply, streamParts } from './ai-versions.js';

/*
 * Shared pieces of the AgentOpsTelemetry tests: a scripted ai@7 mock model, a two-tool set (one tool fails) and a
 * readable span tree without the values that change from run to run.
 */

/** Test tracing with AsyncLocalStorage, as an app would set it up. */
export function testTracing(): TestTracing {
  return createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
}

/** A `MockLanguageModelV4` answering each call (generate or stream) with the next reply, or throwing the next error. */
export function scriptedModel(steps: (Reply | Error)[]): MockLanguageModelV4 {
  let call = 0;
  const next = (): Reply => {
    const step = steps[Math.min(call++, steps.length - 1)];
    if (step === undefined) throw new Error('no steps');
    if (step instanceof Error) throw step;
    return step;
  };
  return new MockLanguageModelV4({
    doGenerate: async () => generateResult('v4', next()) as never,
    doStream: async () => ({ stream: pullStream(streamParts('v4', next())) }) as never,
  });
}

/** The tool loop's replies: the model calls both tools, then answers. */
export const TOOL_LOOP: Reply[] = [
  {
    toolCalls: [
      { id: 'call-1', name: 'weather', input: '{"city":"Paris"}' },
      { id: 'call-2', name: 'stocks', input: '{"symbol":"ACME"}' },
    ],
    usage: { input: 12, output: 8 },
  },
  { text: 'Sunny in Paris; the market is closed.', usage: { input: 30, output: 9 } },
];

const anyObject = jsonSchema<Record<string, string>>({ type: 'object' });

/** Two tools: `weather` answers, `stocks` throws. */
export const tools = {
  weather: tool({
    description: 'Weather for a city',
    inputSchema: anyObject,
    execute: async ({ city }) => `Sunny in ${city}`,
  }),
  stocks: tool({
    inputSchema: anyObject,
    execute: async (): Promise<string> => {
      throw new Error('market closed');
    },
  }),
};

/** The span tree with only `keys`, without exception stack traces (they hold file paths). */
export function render(tracing: TestTracing, keys: readonly string[]): string {
  return tracing
    .tree({ attributes: keys, maxValueLength: 200 })
    .split('\n')
    .filter((line) => !line.includes('exception.stacktrace'))
    .join('\n');
}
