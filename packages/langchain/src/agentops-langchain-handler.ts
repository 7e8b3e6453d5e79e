import type { CoreOptions, LlmSpanRecorder, RecorderStats, RunStartEvent } from '@agentops/llm-callback-core';
import { createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { field, readNumber, readString } from '@agentops/llm-callback-core/adapter-kit';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import { type Context, context } from '@opentelemetry/api';
import { HiddenRuns } from './hidden-runs.js';
import { LlmCalls } from './llm-calls.js';
import { warnFailure } from './log.js';
import { isHiddenRun, mapChainInput, mapChainOutput, mapChainStart } from './map-chain.js';
import { mapDocuments, mapRetrieverStart } from './map-retriever.js';
import { mapErrorInfo, type RunStartFields } from './map-run.js';
import { mapToolOutput, mapToolStart } from './map-tool.js';
import { path, readStringOnly, safely } from './read.js';
import { HANDLER_BRAND, runIdFromConfig } from './tool-context.js';
import { initTracingOnce } from './tracing-init.js';

/** Options of {@link AgentOpsLangChainHandler}: the core's options (tracer provider, redaction, semconv, TTL, ...). */
export interface AgentOpsLangChainHandlerOptions extends CoreOptions {
  /**
   * AgentOps API key. When given (and the handler is not `disabled`), the handler calls `init({ apiKey })` of
   * `@agentops/tracing` (an optional peer dependency) once per process, in the background, so spans are exported to
   * AgentOps without other setup. Failures are logged, never thrown. Leave it out when you call `init()` yourself.
   */
  apiKey?: string;
}

/** The recorder's counters plus the handler's own bookkeeping, for tests and health checks. */
export interface AgentOpsLangChainHandlerStats extends RecorderStats {
  /** Hidden runs and open LLM calls the handler is tracking (0 when idle). */
  handlerEntries: number;
}

const DEFAULT_TTL_MS = 15 * 60_000;

/**
 * LangChain.js callback handler that records chat models, LLMs, chains, agents, tools and retrievers as
 * OpenTelemetry spans, nested by run id under the span that was active when the outermost run started.
 *
 * It runs its callbacks inline (`_awaitHandler: true`): LangChain's default background queue would run them outside
 * the caller's async context, which parents concurrent runs to the wrong span. Every callback is synchronous, cheap
 * and never throws.
 *
 * @example
 * ```ts
 * const handler = new AgentOpsLangChainHandler();
 * await chain.invoke({ question }, { callbacks: [handler] });
 * ```
 * @see https://github.com/AgentOps-AI/agentops-ts/tree/main/packages/langchain#readme
 */
export class AgentOpsLangChainHandler extends BaseCallbackHandler {
  /** Stable handler name (LangChain de-duplicates configured handlers by name). */
  name = 'agentops_langchain';
  readonly [HANDLER_BRAND] = true;
  private readonly recorder: LlmSpanRecorder;
  private readonly hidden: HiddenRuns;
  private readonly calls: LlmCalls;
  private readonly isOpen = (key: string): boolean => this.recorder.isOpen(key);

  /** @param options where spans go and how content is captured; see {@link AgentOpsLangChainHandlerOptions}. */
  constructor(options: AgentOpsLangChainHandlerOptions = {}) {
    super({ _awaitHandler: true });
    let safe: AgentOpsLangChainHandlerOptions = {};
    try {
      safe = options !== null && typeof options === 'object' ? { ...options } : {};
    } catch (error) {
      warnFailure('unreadable options ignored', error);
    }
    const { apiKey, ...core } = safe;
    this.hidden = new HiddenRuns(readNumber(path(core, 'inFlight', 'ttlMs')) ?? DEFAULT_TTL_MS);
    this.recorder = createLlmSpanRecorder({
      ...core,
      framework: 'langchain',
      // Called whenever an entry ends, sampled or not (also runs ended by their root or the TTL): drop its state.
      onEntryEnd: (key) => this.forget(key),
    });
    this.calls = new LlmCalls(this.recorder);
    const key = readString(apiKey);
    if (key && core.disabled !== true) void initTracingOnce(key); // never rejects, never awaited
  }

  /** Copies share this handler's state: a copy with a separate run map would lose every parent. */
  override copy(): BaseCallbackHandler {
    return this;
  }

  override handleChatModelStart(llm: Serialized, messages: unknown, runId: string, ...rest: unknown[]): void {
    this.startLlm('chat', llm, messages, runId, rest);
  }

  override handleLLMStart(llm: Serialized, prompts: unknown, runId: string, ...rest: unknown[]): void {
    this.startLlm('text_completion', llm, prompts, runId, rest);
  }

  /** Called for every streamed token, and once on cache hits or by LLMs that report their whole output as a token. */
  override handleLLMNewToken(token: string, _idx: unknown, runId: string, ...rest: unknown[]): void {
    this.onRun('handleLLMNewToken', runId, (key) => this.calls.token(key, token, field(rest[2], 'chunk')));
  }

  override handleLLMEnd(output: unknown, runId: string): void {
    this.onRun('handleLLMEnd', runId, (key) => this.calls.end(key, output));
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.onRun('handleLLMError', runId, (key) => this.calls.fail(key, error));
  }

  /**
   * LangChain calls this with `(chain, inputs, runId, parentRunId, tags, metadata, runType, runName, extra)`, not in
   * the order its type declaration gives, so the rest is read by position here.
   */
  override handleChainStart(chain: Serialized, inputs: unknown, runId: string, ...rest: unknown[]): void {
    this.onRun('handleChainStart', runId, (key) => {
      if (this.hidden.has(key) || this.recorder.isOpen(key)) return; // a duplicate start
      // rest[3] is LangChain's runType (`prompt` / `parser`); every chain step is recorded alike.
      const [parentRunId, tags, metadata, , runName, extra] = rest;
      if (isHiddenRun(tags)) return this.hidden.add(key, this.resolveParent(parentRunId), this.isOpen);
      const fields = safely(() =>
        mapChainStart({ serialized: chain, inputs, parentRunId, tags, metadata, runName, extra }),
      ) ?? { kind: 'chain', name: 'chain' };
      this.recorder.startRun(this.startEvent(fields, key, parentRunId));
    });
  }

  /** A streamed chain reports its real inputs only here (`kwargs.inputs`); the core uses them if the start had none. */
  override handleChainEnd(outputs: unknown, runId: string, _parent?: unknown, _tags?: unknown, kwargs?: unknown): void {
    this.onRun('handleChainEnd', runId, (key) => {
      if (this.endsHidden(key)) return;
      const inputs = field(kwargs, 'inputs');
      // What cannot be mapped is left out: the run still ends.
      const input = inputs === undefined ? undefined : safely(() => mapChainInput(inputs));
      this.recorder.endRun({ key, output: safely(() => mapChainOutput(outputs)), input });
    });
  }

  override handleChainError(error: unknown, runId: string): void {
    this.onRun('handleChainError', runId, (key) => {
      if (!this.endsHidden(key)) this.recorder.failRun({ key, error, errorInfo: safely(() => mapErrorInfo(error)) });
    });
  }

  override handleToolStart(tool: Serialized, input: unknown, runId: string, ...rest: unknown[]): void {
    const [parentRunId, tags, metadata, runName, toolCallId] = rest;
    this.startRun('handleToolStart', runId, parentRunId, 'tool', () =>
      mapToolStart({ serialized: tool, input, tags, metadata, runName, toolCallId }),
    );
  }

  /** Each value an async-generator tool yields: keeps a long-streaming tool from expiring. */
  override handleToolEvent(_chunk: unknown, runId: string): void {
    this.onRun('handleToolEvent', runId, (key) => this.recorder.touch(key));
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.onRun('handleToolEnd', runId, (key) => {
      const mapped = safely(() => mapToolOutput(output)) ?? { output: undefined, isError: false };
      if (!mapped.isError) this.recorder.endRun({ key, output: mapped.output });
      else this.recorder.failRun({ key, error: mapped.output, errorInfo: { type: 'ToolError' } });
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    this.failRun('handleToolError', error, runId);
  }

  override handleRetrieverStart(retriever: Serialized, query: unknown, runId: string, ...rest: unknown[]): void {
    const [parentRunId, tags, metadata, runName] = rest;
    this.startRun('handleRetrieverStart', runId, parentRunId, 'retriever', () =>
      mapRetrieverStart({ serialized: retriever, query, tags, metadata, runName }),
    );
  }

  override handleRetrieverEnd(documents: unknown, runId: string): void {
    this.onRun('handleRetrieverEnd', runId, (key) =>
      this.recorder.endRun({ key, output: safely(() => mapDocuments(documents)) }),
    );
  }

  override handleRetrieverError(error: unknown, runId: string): void {
    this.failRun('handleRetrieverError', error, runId);
  }

  /**
   * The OpenTelemetry context with the span of the run that `config` belongs to active, or `undefined`. Pass the
   * `config` LangChain gives a tool or a runnable function (its `config.callbacks` knows the run id), or a run id.
   */
  contextFor(config: unknown): Context | undefined {
    try {
      const runId = runIdFromConfig(config);
      return runId ? this.recorder.contextFor(this.resolveParent(runId) ?? runId) : undefined;
    } catch (error) {
      warnFailure('contextFor failed', error);
      return undefined;
    }
  }

  /**
   * Runs `fn` with the span of the tool (or runnable) that `config` belongs to active, so that spans other
   * instrumentation creates inside it (HTTP, database, provider SDKs) nest under that span. Without a known run,
   * `fn` simply runs. Errors from `fn` propagate unchanged.
   *
   * @example
   * ```ts
   * const search = tool(async ({ q }, config) => handler.runInToolContext(config, () => fetchResults(q)), { name: 'search', schema });
   * ```
   */
  runInToolContext<T>(config: unknown, fn: () => T): T {
    const ctx = this.contextFor(config);
    return ctx ? context.with(ctx, fn) : fn();
  }

  /** Ends every open run of this handler as incomplete (e.g. before a serverless function returns). */
  endAll(reason = 'handler endAll'): void {
    this.hidden.clear();
    this.calls.clear();
    try {
      this.recorder.endAll(typeof reason === 'string' ? reason : 'handler endAll');
    } catch (error) {
      warnFailure('endAll failed', error);
    }
  }

  /** Counters of open, ended and expired runs. */
  stats(): AgentOpsLangChainHandlerStats {
    return { ...this.recorder.stats(), handlerEntries: this.hidden.size + this.calls.size };
  }

  /** `rest` is `(parentRunId, extraParams, tags, metadata, runName)`. */
  private startLlm(op: 'chat' | 'text_completion', llm: unknown, input: unknown, runId: unknown, rest: unknown[]) {
    this.onRun(op === 'chat' ? 'handleChatModelStart' : 'handleLLMStart', runId, (key) => {
      const args = { operation: op, serialized: llm, input, extraParams: rest[1], tags: rest[2], metadata: rest[3] };
      this.calls.start(args, key, this.resolveParent(rest[0]), context.active());
    });
  }

  /** Starts a run; when its fields cannot be mapped, the run still gets its span (named after its kind). */
  private startRun(
    where: string,
    runId: unknown,
    parentRunId: unknown,
    kind: 'tool' | 'retriever',
    map: () => RunStartFields,
  ): void {
    this.onRun(where, runId, (key) => {
      this.recorder.startRun(this.startEvent(safely(map) ?? { kind, name: kind }, key, parentRunId));
    });
  }

  private failRun(where: string, error: unknown, runId: unknown): void {
    this.onRun(where, runId, (key) =>
      this.recorder.failRun({ key, error, errorInfo: safely(() => mapErrorInfo(error)) }),
    );
  }

  /**
   * Forgets `key` as a hidden run; true when that was all it was. A reused run id can be both a hidden chain and an
   * open run: the end then still ends the run.
   */
  private endsHidden(key: string): boolean {
    return this.hidden.delete(key) && !this.recorder.isOpen(key);
  }

  /**
   * `fields` (a fresh object, completed in place rather than copied) as the start event of `key`. Parent by run id
   * through the core; the context active now (inline callbacks run in the caller's context) is the fallback for roots
   * and for parents this handler never saw (constructor callbacks).
   */
  private startEvent(fields: RunStartFields, key: string, parentRunId: unknown): RunStartEvent {
    const event = fields as RunStartEvent;
    event.key = key;
    event.parentKey = this.resolveParent(parentRunId);
    event.parentContext = context.active();
    return event;
  }

  /** The nearest ancestor that has a span (hidden runs are skipped). */
  private resolveParent(parentRunId: unknown): string | undefined {
    return this.hidden.resolve(readStringOnly(parentRunId));
  }

  private forget(key: string): void {
    this.calls.forget(key);
    this.hidden.prune(this.isOpen);
  }

  /** Runs a callback body for the run id `runId`: nothing without one, and a failure is logged, never thrown. */
  private onRun(where: string, runId: unknown, fn: (key: string) => void): void {
    const key = readStringOnly(runId);
    if (!key) return;
    try {
      fn(key);
    } catch (error) {
      warnFailure(`${where} failed`, error);
    }
  }
}
