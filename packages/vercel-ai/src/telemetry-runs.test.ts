import { ATTR, createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { testTracing } from './__fixtures__/telemetry-harness.js';
import { startModelCall } from './model-call.js';
import { type OpenCall, type Run, RunBook, type RunInit } from './telemetry-runs.js';

const tracing = testTracing();
afterAll(() => tracing.shutdown());
beforeEach(() => tracing.reset());
afterEach(() => {
  vi.useRealTimers();
});

const init: RunInit = {
  key: 'run-1',
  metadata: undefined,
  captureContent: undefined,
  recordOutputs: true,
  stream: false,
  descriptions: new Map(),
};

function setup() {
  const recorder = createLlmSpanRecorder({ framework: 'test' });
  const runs = new RunBook(recorder);
  return { recorder, runs };
}

/** A provider call of `run`, registered as `executeLanguageModelCall` registers it. */
function openCall(recorder: ReturnType<typeof createLlmSpanRecorder>, run: Run, key: string): OpenCall {
  const call = startModelCall(recorder, { key, model: 'm', parentKey: run.key });
  if (call === undefined) throw new Error('not started');
  const open: OpenCall = { call, end: undefined, endTime: undefined, performance: undefined };
  run.calls.set(key, open);
  run.lastCall = open;
  return open;
}

describe('RunBook', () => {
  it("ends a completed call once the SDK's figures are in, whichever comes first", () => {
    const { recorder, runs } = setup();
    recorder.startRun({ key: 'run-1', kind: 'agent', name: 'bot' });
    const run = runs.open('c1', init);
    const first = openCall(recorder, run, 'llm-1');
    runs.complete(run, first, { finishReasons: ['stop'] });
    expect(recorder.isOpen('llm-1')).toBe(true);
    first.performance = { [ATTR.WARNINGS]: ['perf'] };
    runs.settle(first);
    expect(recorder.isOpen('llm-1')).toBe(false);

    const second = openCall(recorder, run, 'llm-2');
    second.performance = {};
    runs.complete(run, second, {});
    expect(recorder.isOpen('llm-2')).toBe(false);
    expect(tracing.spans().map((span) => span.attributes[ATTR.WARNINGS])).toEqual([['perf'], undefined]);
    recorder.endRun({ key: 'run-1' });
  });

  it('on close with an error: a running call fails with its partial output, tools and step fail', () => {
    const { recorder, runs } = setup();
    recorder.startRun({ key: 'run-2', kind: 'agent', name: 'bot' });
    const run = runs.open('c2', { ...init, key: 'run-2' });
    run.step = { key: 'step-2.0', toolChoice: undefined, attempts: 0 };
    recorder.startRun({ key: 'step-2.0', parentKey: 'run-2', kind: 'task', name: 'step-0' });
    recorder.startRun({ key: 'tool-2.1', parentKey: 'step-2.0', kind: 'tool', name: 'search' });
    run.tools.add('tool-2.1');
    const open = openCall(recorder, run, 'llm-2.1');
    open.call.accumulator.add({ type: 'text-delta', id: 't', delta: 'partial' });
    const error = new Error('aborted');
    expect(runs.close('c2', error)).toBe(run);
    expect(runs.get('c2')).toBeUndefined();
    for (const key of ['llm-2.1', 'tool-2.1', 'step-2.0']) expect(recorder.isOpen(key), key).toBe(false);
    const llm = tracing.spans().find((span) => span.name === 'm.llm');
    expect(llm?.attributes).toMatchObject({ [ATTR.ERROR_TYPE]: 'Error', 'gen_ai.completion.0.content': 'partial' });
    expect(tracing.spans().filter((span) => span.status.code === 2)).toHaveLength(3);
    recorder.failRun({ key: 'run-2', error });
  });

  it('forgets runs the SDK never ended, once their span is gone and a minute has passed', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { runs } = setup();
    runs.open('abandoned', { ...init, key: 'never-started' });
    vi.setSystemTime(Date.now() + 61_000);
    for (let i = 1; i < 255; i++) runs.open(`c${i}`, { ...init, key: `k${i}` });
    expect(runs.get('abandoned')).toBeDefined();
    runs.open('c255', { ...init, key: 'k255' });
    expect(runs.get('abandoned')).toBeUndefined();
    expect(runs.get('c255')).toBeDefined();
  });
});
