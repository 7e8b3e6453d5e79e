import type { LlmSpanRecorder } from '@agentops/llm-callback-core';

/** What every demo step gets. */
export interface StepContext {
  /** OpenAI-compatible base URL (with `/v1`) of the LLM server: the in-process mock by default. */
  llmUrl: string;
  /** The demo's own recorder, for the agent, workflow and tool spans that the frameworks do not report. */
  recorder: LlmSpanRecorder;
}
