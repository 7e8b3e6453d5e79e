import { createLlmSpanRecorder, withSession } from '@agentops/llm-callback-core';
import { trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { init, type TracingHandle } from './init.js';

let handle: TracingHandle | undefined;

afterEach(async () => {
  await handle?.shutdown();
  handle = undefined;
  trace.disable();
});

describe('with spans from @agentops/llm-callback-core', () => {
  it('prints the session with its LLM and tool spans, tokens, cost and end state', async () => {
    const output: string[] = [];
    handle = init({ exporters: ['console'], console: { write: (text) => output.push(text) }, exitHooks: false });
    const recorder = createLlmSpanRecorder({ framework: 'test' });

    await withSession({ name: 'support' }, async () => {
      recorder.startRun({ key: 'agent', kind: 'agent', name: 'triage' });
      recorder.startCall({ key: 'call', parentKey: 'agent', provider: 'openai', model: 'gpt-4o', operation: 'chat' });
      recorder.endCall({
        key: 'call',
        responseModel: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 120, outputTokens: 30 },
        cost: 0.0015,
      });
      recorder.startRun({ key: 'tool', parentKey: 'agent', kind: 'tool', name: 'lookup', input: { id: 7 } });
      recorder.endRun({ key: 'tool', output: 'found' });
      recorder.endRun({ key: 'agent' });
    });

    expect(output).toHaveLength(1);
    const lines = output[0]!.trim().split('\n');
    expect(lines[0]).toMatch(
      /AgentOps trace [0-9a-f]{32} · .* · 4 spans · 1 LLM call · 150 tokens \(120 in, 30 out\) · \$0\.0015$/,
    );
    expect(lines[1]).toMatch(/^support\.session .* Success$/);
    expect(lines[2]).toMatch(/^└─ triage\.agent /);
    expect(lines[3]).toMatch(/^ {3}├─ .*\.llm .*gpt-4o-2024-08-06 · 120→30 tok · \$0\.0015$/);
    expect(lines[4]).toMatch(/^ {3}└─ lookup\.tool /);
  });
});
