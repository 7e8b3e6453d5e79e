/*
 * Type tests, checked by `npm run typecheck` (tsc): AgentOpsTelemetry is an ai@7 `Telemetry` integration, for
 * `registerTelemetry` and for a call's `telemetry.integrations`, without the package importing `ai` at run time.
 */
import { generateText, registerTelemetry, streamText, type Telemetry } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { AgentOpsTelemetry } from './index.js';

export const integration: Telemetry = new AgentOpsTelemetry();
export const configured: Telemetry = new AgentOpsTelemetry({
  metadata: { tags: ['prod'] },
  runKind: 'workflow',
  streamIdleTimeoutMs: 60_000,
  captureContent: 'metadata',
});

registerTelemetry(new AgentOpsTelemetry());
export const generated = generateText({
  model: new MockLanguageModelV4(),
  prompt: 'Hi',
  telemetry: { integrations: [new AgentOpsTelemetry()], functionId: 'bot' },
});
export const streamed = streamText({
  model: new MockLanguageModelV4(),
  prompt: 'Hi',
  telemetry: { integrations: new AgentOpsTelemetry() },
});

// @ts-expect-error only 'agent' and 'workflow' are run kinds
export const wrongKind = new AgentOpsTelemetry({ runKind: 'tool' });
