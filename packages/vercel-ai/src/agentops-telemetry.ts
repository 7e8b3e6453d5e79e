import { ATTR, createLlmSpanRecorder, type LlmSpanRecorder } from '@agentops/llm-callback-core';
import { field, readNumber, readString } from '@agentops/llm-callback-core/adapter-kit';
import { context } from '@opentelemetry/api';
import { idleTimeout } from './agentops-middleware.js';
import {
  embeddingMessages,
  mapPerformance,
  promptOf,
  readRunContext,
  readToolCall,
  readToolOutcome,
  rerankMessages,
  rerankOutputs,
  runKind,
  runName,
  toolDescriptions,
} from './map-telemetry.js';
import { cancellation, guard, keyGenerator, runModelCall } from './model-call.js';
import { normalizeUsage } from './normalize.js';
import {
  eventTime as at,
  type CallSettings,
  endOtherCall,
  startChatCall,
  startOtherCall,
  toolKey,
} from './telemetry-calls.js';
import { RunBook } from './telemetry-runs.js';
import type { AgentOpsTelemetryOptions } from './types.js';

const TEXT_OPERATIONS = new Set(['ai.generateText', 'ai.streamText']);
const MODEL_OPERATIONS = new Set(['ai.embed', 'ai.embedMany', 'ai.rerank']);

/**
 * AgentOps tracing for ai@7 as a telemetry integration: each `generateText` / `streamText` run becomes an agent (or
 * workflow) span, each step a task span under it, each provider call an LLM span under its step (the same attributes
 * as {@link agentopsMiddleware}, plus the SDK's performance figures), and each tool execution a tool span, active
 * while the tool runs. `embed`, `embedMany` and `rerank` calls become LLM spans too.
 *
 * Register it once, or pass it per call; with the middleware also in place each provider call still gets one span.
 *
 * @example
 * ```ts
 * import { registerTelemetry } from 'ai';
 * import { AgentOpsTelemetry } from '@agentops/vercel-ai';
 *
 * registerTelemetry(new AgentOpsTelemetry());
 * // or per call: generateText({ model, prompt, telemetry: { integrations: [new AgentOpsTelemetry()] } })
 * ```
 */
export class AgentOpsTelemetry {
  readonly #recorder: LlmSpanRecorder;
  readonly #runs: RunBook;
  readonly #settings: CallSettings;
  readonly #runKind: 'agent' | 'workflow' | undefined;
  readonly #nextKey: () => string;

  /** @param options the core's options plus `metadata`, `runKind` and `streamIdleTimeoutMs`; all optional. */
  constructor(options: AgentOpsTelemetryOptions = {}) {
    const { metadata, runKind: kind, streamIdleTimeoutMs, ...coreOptions } = options ?? {};
    const recorder = createLlmSpanRecorder({ ...coreOptions, framework: 'vercel-ai' });
    this.#recorder = recorder;
    this.#runs = new RunBook(recorder);
    this.#runKind = kind === 'agent' || kind === 'workflow' ? kind : undefined;
    this.#nextKey = keyGenerator('vercel-ai-run');
    const idleTimeoutMs = idleTimeout(streamIdleTimeoutMs);
    this.#settings = { recorder, runs: this.#runs, metadata, idleTimeoutMs, nextKey: this.#nextKey };
  }

  /** A run starts: `generateText` / `streamText` get a run span; `embed` / `rerank` only their model call's. */
  onStart(event: unknown): void {
    guard(() => {
      const operation = readString(field(event, 'operationId')) ?? '';
      const callId = readString(field(event, 'callId'));
      if (callId === undefined || !(TEXT_OPERATIONS.has(operation) || MODEL_OPERATIONS.has(operation))) return;
      // The session (`startSession` / `withSession`) comes with the parent: the core nests the run under the
      // session of the active context (or, with no span active, the newest open one) and every span inherits its id.
      const { metadata: shared, captureContent, attributes } = readRunContext(event, this.#settings.metadata);
      const text = TEXT_OPERATIONS.has(operation);
      const run = this.#runs.open(callId, {
        key: text ? this.#nextKey() : undefined,
        metadata: shared,
        captureContent,
        recordOutputs: field(event, 'recordOutputs') !== false,
        stream: operation === 'ai.streamText',
        descriptions: toolDescriptions(event),
      });
      if (run.key === undefined) return;
      const prompt = promptOf(event);
      this.#recorder.startRun({
        key: run.key,
        kind: runKind(event, this.#runKind),
        name: runName(event),
        ...(prompt.length > 0 && { input: prompt }),
        metadata: { ...shared, attributes: { ...shared?.attributes, ...attributes } },
        ...(captureContent !== undefined && { captureContent }),
        ...at(event, 'startTime'),
      });
    });
  }

  /** A step starts: a task span under the run. */
  onStepStart(event: unknown): void {
    guard(() => {
      const run = this.#runs.get(field(event, 'callId'));
      if (run?.key === undefined) return;
      this.#runs.closeStep(run);
      const number = readNumber(field(event, 'stepNumber')) ?? run.steps;
      run.step = { key: `${run.key}:step:${number}`, toolChoice: field(event, 'stepToolChoice'), attempts: 0 };
      run.steps++;
      this.#recorder.startRun({
        key: run.step.key,
        parentKey: run.key,
        kind: 'task',
        name: `step-${number}`,
        metadata: {
          ...run.metadata,
          attributes: { ...run.metadata?.attributes, [ATTR.STEP_NUMBER]: number },
        },
        ...(run.captureContent !== undefined && { captureContent: run.captureContent }),
        ...at(event, 'startTime'),
      });
    });
  }

  /**
   * Runs one provider call under its own LLM span (a child of the step), with that span active so that HTTP
   * instrumentation nests under it. The context is marked, so that an AgentOps middleware inside records nothing.
   */
  async executeLanguageModelCall<T>(options: { callId?: string; execute: () => PromiseLike<T> }): Promise<T> {
    const call = guard(() => startChatCall(this.#settings, options));
    if (call?.context === undefined) return await options.execute();
    return await runModelCall(call, options.execute);
  }

  /** The SDK's figures for the model call that just returned; its span ends with them. */
  onLanguageModelCallEnd(event: unknown): void {
    guard(() => {
      const open = this.#runs.get(field(event, 'callId'))?.lastCall;
      if (open === undefined || open.performance !== undefined) return;
      open.performance = mapPerformance(field(event, 'performance'));
      if (open.end !== undefined) this.#runs.settle(open);
    });
  }

  /** A tool starts: a tool span under the step. */
  onToolExecutionStart(event: unknown): void {
    guard(() => this.#startTool(event));
  }

  /** Runs the tool with its span active, so spans the tool's own code starts (a nested `generateText`) nest under it. */
  async executeTool<T>(options: { callId?: string; toolCallId?: string; execute: () => PromiseLike<T> }): Promise<T> {
    const ctx = guard(() => {
      const key = this.#startTool(options);
      return key === undefined ? undefined : this.#recorder.contextFor(key);
    });
    return await (ctx === undefined ? options.execute() : context.with(ctx, options.execute));
  }

  /** A tool ends: its result, or the error it threw. */
  onToolExecutionEnd(event: unknown): void {
    guard(() => {
      const run = this.#runs.get(field(event, 'callId'));
      const key = run?.key === undefined ? undefined : toolKey(run.key, readToolCall(event).callId);
      if (run === undefined || key === undefined) return;
      run.tools.delete(key);
      const outcome = readToolOutcome(event);
      if (outcome.failed) this.#recorder.failRun({ key, error: outcome.error, ...at(event, 'endTime') });
      else this.#recorder.endRun({ key, output: outcome.output, ...at(event, 'endTime') });
    });
  }

  /** A step ends, with its finish reason and text. */
  onStepEnd(event: unknown): void {
    guard(() => {
      const run = this.#runs.get(field(event, 'callId'));
      if (run?.step === undefined) return;
      this.#runs.settleAll(run);
      const reason = readString(field(event, 'finishReason'));
      const text = readString(field(event, 'text'));
      this.#recorder.endRun({
        key: run.step.key,
        ...(text !== undefined && { output: text }),
        ...(reason !== undefined && { attributes: { [ATTR.STEP_FINISH_REASON]: reason } }),
        ...at(event, 'endTime'),
      });
      run.step = undefined;
    });
  }

  /** A step fails before it has a result (the provider call threw, or the stream ended without output). */
  onStepError(event: unknown): void {
    guard(() => {
      const run = this.#runs.get(field(event, 'callId'));
      if (run?.step === undefined) return;
      const error = field(event, 'error');
      this.#runs.settleAll(run, error);
      this.#recorder.failRun({ key: run.step.key, error, ...at(event, 'endTime') });
      run.step = undefined;
    });
  }

  /** An embedding model call (`doEmbed`) starts: an LLM span with operation `embeddings`. */
  onEmbedStart(event: unknown): void {
    guard(() => startOtherCall(this.#settings, event, embedId(event), 'embeddings', embeddingMessages(event)));
  }

  /** An embedding model call ends, with its usage. */
  onEmbedEnd(event: unknown): void {
    guard(() => {
      const tokens = field(field(event, 'usage'), 'tokens');
      const usage = normalizeUsage({ inputTokens: tokens });
      endOtherCall(this.#settings, event, embedId(event), usage ? { usage } : {});
    });
  }

  /** A reranking model call starts: an LLM span with operation `rerank`. */
  onRerankStart(event: unknown): void {
    guard(() => startOtherCall(this.#settings, event, 'rerank', 'rerank', rerankMessages(event)));
  }

  /** A reranking model call ends, with its ranking as the output. */
  onRerankEnd(event: unknown): void {
    guard(() => {
      const outputs = rerankOutputs(event);
      endOtherCall(this.#settings, event, 'rerank', outputs ? { outputs } : {});
    });
  }

  /** The run ends: its span ends with the final text. */
  onEnd(event: unknown): void {
    guard(() => {
      const run = this.#runs.close(field(event, 'callId'));
      if (run?.key === undefined) return;
      const text = readString(field(event, 'text'));
      this.#recorder.endRun({ key: run.key, ...(text !== undefined && { output: text }), ...at(event, 'endTime') });
    });
  }

  /** A streamed run is aborted: what is still open ends as failed with the abort reason. */
  onAbort(event: unknown): void {
    guard(() => this.#fail(field(event, 'callId'), field(event, 'reason') ?? cancellation(), event));
  }

  /** A run fails: what is still open ends as failed with the error. */
  onError(event: unknown): void {
    guard(() => this.#fail(field(event, 'callId'), field(event, 'error'), event));
  }

  #fail(callId: unknown, error: unknown, event: unknown): void {
    const run = this.#runs.close(callId, error);
    if (run?.key !== undefined) this.#recorder.failRun({ key: run.key, error, ...at(event, 'endTime') });
  }

  #startTool(event: unknown): string | undefined {
    const run = this.#runs.get(field(event, 'callId'));
    if (run?.key === undefined) return undefined;
    const tool = readToolCall(event);
    const key = toolKey(run.key, tool.callId);
    if (key === undefined || run.tools.has(key) || this.#recorder.hasEnded(key)) return key;
    run.tools.add(key);
    const description = run.descriptions.get(tool.name);
    this.#recorder.startRun({
      key,
      parentKey: run.step?.key ?? run.key,
      kind: 'tool',
      name: tool.name,
      ...(tool.input !== undefined && { input: tool.input }),
      tool: { callId: tool.callId, type: tool.dynamic ? 'dynamic' : 'function', description },
      metadata: run.metadata,
      ...(run.captureContent !== undefined && { captureContent: run.captureContent }),
      ...at(event, 'startTime'),
    });
    return key;
  }
}

function embedId(event: unknown): string {
  return `embed:${readString(field(event, 'embedCallId')) ?? ''}`;
}
