/**
 * The demo flow: one AgentOps session (`withSession`) holding a LangChain agent, a Vercel AI SDK agent and a
 * LiteLLM-proxied workflow, each traced by its adapter, against an OpenAI-compatible server (the in-process mock
 * LLM by default, so nothing leaves the machine).
 */
import { createLlmSpanRecorder, withSession } from '@agentops/llm-callback-core';
import { startMockLlm } from '@agentops-internal/mock-llm';
import { runAiSdkPlanner } from './steps/ai-sdk-planner.ts';
import { runLangChainAgent } from './steps/langchain-agent.ts';
import { runLiteLLMIngest } from './steps/litellm-ingest.ts';
import type { StepContext } from './steps/step.ts';

/** Name of the session; its span is `travel-assistant.session`. */
export const SESSION_NAME = 'travel-assistant';
/** Tags of the session (AgentOps shows them as the trace's tags). */
export const SESSION_TAGS = ['demo', 'mock-llm'];

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** OpenAI-compatible base URL (with `/v1`); when absent, the mock LLM is started on 127.0.0.1 and stopped after. */
  llmUrl?: string;
  /** Receives one line per step. */
  progress?: (line: string) => void;
}

/** One finished step. */
export interface StepReport {
  title: string;
  durationMs: number;
  summary: string;
}

/** What {@link runDemo} did. */
export interface DemoResult {
  sessionId: string;
  llmUrl: string;
  steps: StepReport[];
}

interface Step {
  title: string;
  run: (context: StepContext) => Promise<string>;
}

const clip = (text: string, max = 60): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const STEPS: Step[] = [
  {
    title: 'LangChain: createAgent + ChatOpenAI, 2 tools',
    run: async (context) => `"${clip(await runLangChainAgent(context))}"`,
  },
  {
    title: 'AI SDK: streamText + tool, agentopsMiddleware()',
    run: async (context) => {
      const { text, parts } = await runAiSdkPlanner(context);
      return `${parts} text parts streamed: "${clip(text)}"`;
    },
  },
  {
    title: 'LiteLLM: proxy payloads → logStandardLoggingPayload',
    run: async (context) => {
      const result = await runLiteLLMIngest(context);
      return `${result.accepted}/${result.payloads} payloads recorded (${result.failures} rate-limited, then fallback)`;
    },
  },
];

/** Runs the three steps inside one session and returns what happened. Spans go to the global tracer provider. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const progress = options.progress ?? (() => {});
  // A little latency makes the waterfall readable; the mock is otherwise instant.
  const mock = options.llmUrl ? undefined : await startMockLlm({ scenario: { ttftMs: 40, chunkDelayMs: 6 } });
  const llmUrl = options.llmUrl ?? (mock?.url as string);
  if (mock) progress(`mock LLM listening on ${llmUrl}`);
  const recorder = createLlmSpanRecorder({
    framework: 'agentops-demo',
    instrumentationName: '@agentops-internal/demo',
  });
  try {
    return await withSession({ name: SESSION_NAME, tags: SESSION_TAGS }, async (session) => {
      progress(`session ${SESSION_NAME} (${session.sessionId})`);
      const steps: StepReport[] = [];
      const width = Math.max(...STEPS.map((step) => step.title.length));
      for (const [index, step] of STEPS.entries()) {
        const started = performance.now();
        const summary = await step.run({ llmUrl, recorder });
        const durationMs = Math.round(performance.now() - started);
        steps.push({ title: step.title, durationMs, summary });
        progress(
          `[${index + 1}/${STEPS.length}] ${step.title.padEnd(width)} ${String(durationMs).padStart(5)} ms  ${summary}`,
        );
      }
      return { sessionId: session.sessionId, llmUrl, steps };
    });
  } finally {
    await mock?.close();
  }
}
