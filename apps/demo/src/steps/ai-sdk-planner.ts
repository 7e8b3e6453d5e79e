/**
 * Step 2, Vercel AI SDK: `streamText` with a tool, over `@ai-sdk/openai`, the model wrapped with
 * `agentopsMiddleware()` (one `{model}.llm` span per provider call). The middleware sees model calls only, so the
 * demo records the agent around them and the tool execution itself with the core's recorder: that is how an app adds
 * its own spans next to the adapters'.
 */

import { agentopsMiddleware } from '@agentops/vercel-ai';
import { createOpenAI } from '@ai-sdk/openai';
import { context } from '@opentelemetry/api';
import { isStepCount, streamText, tool, wrapLanguageModel } from 'ai';
import { z } from 'zod';
import type { StepContext } from './step.ts';

/** Name of the agent; its span is `budget-planner.agent`. */
export const AI_SDK_AGENT_NAME = 'budget-planner';
/** Model the agent asks for. */
export const AI_SDK_MODEL = 'gpt-4o';

const RATES: Record<string, number> = { EUR: 1, USD: 1.08, GBP: 0.85 };

function convert(amount: number, from: string, to: string): string {
  const value = (amount / (RATES[from] ?? 1)) * (RATES[to] ?? 1);
  return `${amount} ${from} = ${value.toFixed(2)} ${to}`;
}

/** Streams the agent's answer and returns it with the number of streamed text parts. */
export async function runAiSdkPlanner({ llmUrl, recorder }: StepContext): Promise<{ text: string; parts: number }> {
  const openai = createOpenAI({
    baseURL: llmUrl,
    apiKey: 'sk-demo-local',
    // The mock LLM calls the first tool; this header picks its arguments (a real model would choose them).
    headers: { 'x-mock-tool-args': JSON.stringify({ amount: 1200, from: 'EUR', to: 'USD' }) },
  });
  const model = wrapLanguageModel({ model: openai.chat(AI_SDK_MODEL), middleware: agentopsMiddleware() });
  const prompt = 'My budget is 1200 EUR for three nights. How much is that in USD?';
  const agentKey = `ai-sdk-agent:${crypto.randomUUID()}`;
  recorder.startRun({ key: agentKey, kind: 'agent', name: AI_SDK_AGENT_NAME, input: prompt });
  try {
    const convertCurrency = tool({
      description: 'Convert an amount between currencies',
      inputSchema: z.object({ amount: z.number(), from: z.string(), to: z.string() }),
      execute: async (input, { toolCallId }) => {
        recorder.startRun({
          key: toolCallId,
          parentKey: agentKey,
          kind: 'tool',
          name: 'convert_currency',
          input,
          tool: { callId: toolCallId, description: 'Convert an amount between currencies' },
        });
        const output = convert(input.amount, input.from, input.to);
        recorder.endRun({ key: toolCallId, output });
        return output;
      },
    });
    // The agent's span is active while the SDK runs, so the middleware's LLM spans nest under it.
    const result = context.with(recorder.contextFor(agentKey) ?? context.active(), () =>
      streamText({
        model,
        system: 'You plan travel budgets. Use the tools for exchange rates.',
        prompt,
        tools: { convert_currency: convertCurrency },
        stopWhen: isStepCount(3),
      }),
    );
    let text = '';
    let parts = 0;
    for await (const delta of result.textStream) {
      text += delta;
      parts += 1;
    }
    recorder.endRun({ key: agentKey, output: text });
    return { text, parts };
  } catch (error) {
    recorder.failRun({ key: agentKey, error });
    throw error;
  }
}
