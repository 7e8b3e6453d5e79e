/**
 * Step 1, LangChain: a `createAgent` agent with two tools over `ChatOpenAI`, traced by `AgentOpsLangChainHandler`.
 * The agent asks for the weather (a tool call), gets the tool's answer and replies.
 */
import { AgentOpsLangChainHandler } from '@agentops/langchain';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { createAgent } from 'langchain';
import { z } from 'zod';
import type { StepContext } from './step.ts';

/** Name of the agent; its span is `weather-agent.agent`. */
export const LANGCHAIN_AGENT_NAME = 'weather-agent';
/** Model the agent asks for. */
export const LANGCHAIN_MODEL = 'gpt-4o-mini';

const getWeather = tool(async ({ city }) => `18°C, light rain in ${city}; clearing up in the evening`, {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: z.object({ city: z.string().describe('City name, e.g. Paris') }),
});

const findHotels = tool(async ({ city, maxPrice }) => `3 hotels in ${city} under ${maxPrice} EUR`, {
  name: 'find_hotels',
  description: 'Hotels in a city under a nightly price',
  schema: z.object({ city: z.string(), maxPrice: z.number().describe('EUR per night') }),
});

/** Runs the agent once and returns its final answer. */
export async function runLangChainAgent({ llmUrl }: StepContext): Promise<string> {
  const model = new ChatOpenAI({
    model: LANGCHAIN_MODEL,
    temperature: 0,
    apiKey: 'sk-demo-local',
    maxRetries: 0,
    configuration: {
      baseURL: llmUrl,
      // The mock LLM calls the first tool; this header picks its arguments (a real model would choose them).
      defaultHeaders: { 'x-mock-tool-args': JSON.stringify({ city: 'Paris' }) },
    },
  });
  const agent = createAgent({
    model,
    tools: [getWeather, findHotels],
    name: LANGCHAIN_AGENT_NAME,
    systemPrompt: 'You are a travel assistant. Use the tools to answer with facts.',
  });
  const handler = new AgentOpsLangChainHandler();
  const result = await agent.invoke(
    { messages: [{ role: 'user', content: 'What is the weather in Paris today?' }] },
    { callbacks: [handler] },
  );
  const last = result.messages.at(-1);
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
}
