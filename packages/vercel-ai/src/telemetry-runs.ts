import type { CallMetadata, LlmSpanRecorder } from '@agentops/llm-callback-core';
import { readString } from '@agentops/llm-callback-core/adapter-kit';
import type { AttributeValue } from '@opentelemetry/api';
import type { MappedEnd } from './map-result.js';
import { details, failModelCall, guard, type ModelCall } from './model-call.js';

/*
 * What `AgentOpsTelemetry` keeps per SDK call id while a run is open: its span keys, its metadata, the open step,
 * provider calls and tools. Entries leave when the run ends, fails or is aborted; the few the SDK never ends are pruned.
 */

/** A provider call of a run, until its span ends. */
export interface OpenCall {
  readonly call: ModelCall;
  /** The mapped end event, once the provider's answer is complete. */
  end: MappedEnd | undefined;
  endTime: number | undefined;
  /** The SDK's figures (`onLanguageModelCallEnd`), once they arrived; `{}` when none will come. */
  performance: Record<string, AttributeValue> | undefined;
}

/** The open step of a run. */
export interface Step {
  readonly key: string;
  /** The step's prepared tool choice (`stepToolChoice`), for its model calls. */
  readonly toolChoice: unknown;
  /** Provider calls made in this step so far: each retry is one more. */
  attempts: number;
}

/** One SDK operation (`callId`): a text run with a span, or an `embed` / `rerank` operation without one. */
export interface Run {
  /** The run span's key; `undefined` for operations recorded as model calls only. */
  readonly key: string | undefined;
  readonly metadata: CallMetadata | undefined;
  readonly captureContent: boolean | undefined;
  readonly recordOutputs: boolean;
  readonly stream: boolean;
  /** Tool descriptions by tool name. */
  readonly descriptions: Map<string, string>;
  step: Step | undefined;
  /** Steps started so far. */
  steps: number;
  /** Open provider calls by key; `lastCall` is the newest (the one `onLanguageModelCallEnd` reports on). */
  readonly calls: Map<string, OpenCall>;
  lastCall: OpenCall | undefined;
  /** Provider calls started so far. */
  seq: number;
  /** Keys of open tool spans. */
  readonly tools: Set<string>;
  readonly openedAt: number;
}

/** What a run starts with. */
export type RunInit = Pick<Run, 'key' | 'metadata' | 'captureContent' | 'recordOutputs' | 'stream' | 'descriptions'>;

const PRUNE_EVERY = 256;
const PRUNE_AFTER_MS = 60_000;

/** The open runs of one integration instance, by SDK call id. */
export class RunBook {
  readonly #runs = new Map<string, Run>();
  #opened = 0;

  constructor(private readonly recorder: LlmSpanRecorder) {}

  open(callId: string, init: RunInit): Run {
    if (++this.#opened % PRUNE_EVERY === 0) this.#prune();
    const run: Run = {
      ...init,
      step: undefined,
      steps: 0,
      calls: new Map(),
      lastCall: undefined,
      seq: 0,
      tools: new Set(),
      openedAt: Date.now(),
    };
    this.#runs.set(callId, run);
    return run;
  }

  /**
   * The open run of an SDK call id. Reading it is activity: the run's and its step's idle timers restart, so a long
   * agent run whose steps keep working is not ended as idle.
   */
  get(callId: unknown): Run | undefined {
    const id = readString(callId);
    const run = id === undefined ? undefined : this.#runs.get(id);
    if (run?.key !== undefined) {
      this.recorder.touch(run.key);
      if (run.step !== undefined) this.recorder.touch(run.step.key);
    }
    return run;
  }

  /**
   * Removes a run and ends what is still open under it: provider calls (failed with `error` and their partial output
   * when there is one), tools and the step; the caller ends the run span itself.
   */
  close(callId: unknown, error?: unknown): Run | undefined {
    const run = this.get(callId);
    if (run === undefined) return undefined;
    this.#runs.delete(readString(callId) as string);
    this.settleAll(run, error);
    for (const key of run.tools) {
      if (error === undefined) this.recorder.endRun({ key });
      else this.recorder.failRun({ key, error });
    }
    run.tools.clear();
    if (run.step !== undefined && error !== undefined) {
      this.recorder.failRun({ key: run.step.key, error });
      run.step = undefined;
    }
    this.closeStep(run);
    return run;
  }

  /** Ends a step the SDK left open (a new step began, or the run ended, without its end event). */
  closeStep(run: Run): void {
    if (run.step === undefined) return;
    this.settleAll(run);
    this.recorder.endRun({ key: run.step.key });
    run.step = undefined;
  }

  /** A provider call's answer is complete: its span ends now if the SDK's figures are in, else when they come. */
  complete(run: Run, open: OpenCall, end: MappedEnd): void {
    open.end = end;
    open.endTime = performance.timeOrigin + performance.now();
    if (open.performance !== undefined || !run.calls.has(open.call.handle.key)) this.settle(open);
  }

  /** Ends a completed call's span with its end event and whatever SDK figures arrived. */
  settle(open: OpenCall): void {
    const { call, end, endTime } = open;
    const performance = open.performance ?? {};
    open.performance = performance;
    if (end === undefined || !this.recorder.isOpen(call.handle.key)) return;
    guard(() =>
      call.handle.end({
        ...end,
        ...(Object.keys(performance).length > 0 && { attributes: { ...end.attributes, ...performance } }),
        ...(endTime !== undefined && { endTime }),
      }),
    );
  }

  /**
   * Settles every call of a run before it moves on (next attempt, step end, run end): a completed call ends (without
   * SDK figures if they have not come), a call still running fails with `error` if there is one, else ends on its
   * own later (its stream is still read).
   */
  settleAll(run: Run, error?: unknown): void {
    for (const [key, open] of run.calls) {
      run.calls.delete(key);
      if (!this.recorder.isOpen(open.call.handle.key)) continue;
      if (open.end !== undefined) this.settle(open);
      else if (error !== undefined) {
        const partial = guard(() => details(open.call, open.call.accumulator.result()));
        failModelCall(open.call, error, partial);
      }
    }
  }

  /** Forgets runs the SDK never ended whose spans the core has ended (idle timeout) or that hold nothing open. */
  #prune(): void {
    const cutoff = Date.now() - PRUNE_AFTER_MS;
    for (const [callId, run] of this.#runs) {
      if (run.openedAt > cutoff) continue;
      const open = run.key === undefined ? run.calls.size > 0 : this.recorder.isOpen(run.key);
      if (!open) this.#runs.delete(callId);
    }
  }
}
