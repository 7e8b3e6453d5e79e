import type { CallMetadata, LlmSpanRecorder, Message } from '@agentops/llm-callback-core';
import { field, readNumber, readString } from '@agentops/llm-callback-core/adapter-kit';
import type { MappedEnd } from './map-result.js';
import { mapModelCallRequest } from './map-telemetry.js';
import { type ModelCall, RECORDED_CALL_KEY, startModelCall } from './model-call.js';
import type { OpenCall, RunBook } from './telemetry-runs.js';

/*
 * The model calls `AgentOpsTelemetry` starts: provider calls of a text run (one per `executeLanguageModelCall`) and
 * the embedding and rerank calls the SDK reports with start and end events.
 */

/** What starting a call needs from the integration instance. */
export interface CallSettings {
  readonly recorder: LlmSpanRecorder;
  readonly runs: RunBook;
  /** The integration's own `metadata`, for calls outside a known run. */
  readonly metadata: CallMetadata | undefined;
  readonly idleTimeoutMs: number;
  readonly nextKey: () => string;
}

/**
 * Starts the LLM span of one provider call from `executeLanguageModelCall`'s options, under the run's open step. Its
 * context is marked, so that a middleware inside records nothing; it ends when the answer is complete and the SDK's
 * performance figures are in (see {@link RunBook.complete}).
 */
export function startChatCall(settings: CallSettings, options: unknown): ModelCall | undefined {
  const { recorder, runs } = settings;
  const callId = readString(field(options, 'callId'));
  const run = runs.get(callId);
  if (run !== undefined) runs.settleAll(run);
  const step = run?.step;
  const base = run?.key ?? `${settings.nextKey()}:${callId ?? ''}`;
  const call = startModelCall(
    recorder,
    {
      key: `${base}:llm:${run === undefined ? 0 : ++run.seq}`,
      parentKey: step?.key ?? run?.key,
      operation: 'chat',
      provider: readString(field(options, 'provider')),
      model: readString(field(options, 'modelId')),
      stream: run?.stream,
      ...mapModelCallRequest(options, step?.toolChoice),
      metadata: run?.metadata ?? settings.metadata,
      ...(run?.captureContent !== undefined && { captureContent: run.captureContent }),
      ...(run?.stream && { idleTimeoutMs: settings.idleTimeoutMs }),
      ...eventTime(options, 'startTime'),
    },
    step === undefined ? 0 : step.attempts++,
  );
  if (call === undefined) return undefined;
  call.context = call.context?.setValue(RECORDED_CALL_KEY, call.handle.key);
  if (run !== undefined) {
    if (!run.recordOutputs) call.shape = withoutOutputs;
    const open: OpenCall = { call, end: undefined, endTime: undefined, performance: undefined };
    call.complete = (end) => runs.complete(run, open, end);
    run.calls.set(call.handle.key, open);
    run.lastCall = open;
  }
  return call;
}

/** Starts an embedding or rerank call's LLM span (`id` tells it from the run's other calls). */
export function startOtherCall(
  settings: CallSettings,
  event: unknown,
  id: string,
  operation: 'embeddings' | 'rerank',
  messages: Message[] | undefined,
): void {
  const run = settings.runs.get(field(event, 'callId'));
  if (run === undefined) return;
  const call = startModelCall(settings.recorder, {
    key: `${settings.nextKey()}:${id}`,
    operation,
    provider: readString(field(event, 'provider')),
    model: readString(field(event, 'modelId')),
    messages,
    metadata: run.metadata,
    ...(run.captureContent !== undefined && { captureContent: run.captureContent }),
    ...eventTime(event, 'startTime'),
  });
  if (call !== undefined) run.calls.set(id, { call, end: undefined, endTime: undefined, performance: {} });
}

/** Ends an embedding or rerank call's LLM span. */
export function endOtherCall(settings: CallSettings, event: unknown, id: string, end: MappedEnd): void {
  const run = settings.runs.get(field(event, 'callId'));
  const open = run?.calls.get(id);
  if (run === undefined || open === undefined) return;
  run.calls.delete(id);
  open.call.handle.end({ ...(run.recordOutputs ? end : withoutOutputs(end)), ...eventTime(event, 'endTime') });
}

/** The tool span's key: one per tool call of the run. */
export function toolKey(runKey: string, toolCallId: string | undefined): string | undefined {
  return toolCallId === undefined ? undefined : `${runKey}:tool:${toolCallId}`;
}

/** `telemetry.recordOutputs: false`: the SDK hides outputs from its events; the provider's raw result still has them. */
export function withoutOutputs(end: MappedEnd): MappedEnd {
  const { outputs: _outputs, ...rest } = end;
  return rest;
}

/** The event's own time (`timestamp`, epoch ms: events replayed after the fact carry it) as a start or end time. */
export function eventTime(event: unknown, name: 'startTime' | 'endTime'): { startTime?: number; endTime?: number } {
  const timestamp = readNumber(field(event, 'timestamp'));
  return timestamp === undefined ? {} : { [name]: timestamp };
}
