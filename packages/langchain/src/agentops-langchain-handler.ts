import type { CoreOptions, LlmSpanRecorder, RecorderStats } from '@agentops/llm-callback-core';
import { createLlmSpanRecorder } from '@agentops/llm-callback-core';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import { type Context, context, diag } from '@opentelemetry/api';
import { isContentToken, mapLlmResult } from './map-llm-result.js';
import {
  isHiddenRun,
  mapChainOutput,
  mapChainStart,
  mapDocuments,
  mapErrorInfo,
  mapLlmStart,
  mapRetrieverStart,
  mapToolOutput,
  mapToolStart,
} from './map-run.js';
import { field, path, readNumber, readString } from './read.js';
import { HANDLER_BRAND, runIdFromConfig } from './tool-context.js';

/** Options of {@link AgentOpsLangChainHandler}: the core's options (tracer provider, redaction, semconv, TTL, ...). */
export type AgentOpsLangChainHandlerOptions = CoreOptions;

/** The recorder's counters plus the handler's own bookkeeping, for tests and health checks. */
export interface AgentOpsLangChainHandlerStats extends RecorderStats {
  /** Hidden runs and unconfirmed stream tokens the handler is tracking (0 when idle). */
  handlerEntries: number;
}

const logger = diag.createComponentLogger({ namespace: '@agentops/langchain' });
/** Token state of a run that is known to stream (its first token has been forwarded). */
const STREAMING = -1;
const MAX_HIDDEN_DEPTH = 64;
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
  /** Runs tagged `langsmith:hidden` get no span; their children attach to the hidden run's parent. */
  private readonly hidden = new Map<string, { parent: string | undefined; at: number }>();
  /** Per streaming run: `STREAMING`, or the time of a first chunk-less token held until a second one confirms a stream. */
  private readonly tokens = new Map<string, number>();

  private readonly hiddenTtlMs: number;

  /** @param options where spans go and how content is captured; see {@link AgentOpsLangChainHandlerOptions}. */
  constructor(options: AgentOpsLangChainHandlerOptions = {}) {
    super({ _awaitHandler: true });
    let safe: AgentOpsLangChainHandlerOptions = {};
    try {
      safe = options !== null && typeof options === 'object' ? { ...options } : {};
    } catch (error) {
      logger.warn(`unreadable options ignored: ${String(error)}`);
    }
    const userEnrich = field(safe, 'enrichSpan');
    this.hiddenTtlMs = readNumber(path(safe, 'inFlight', 'ttlMs')) ?? DEFAULT_TTL_MS;
    this.recorder = createLlmSpanRecorder({
      ...safe,
      framework: 'langchain',
      // Called for every span that ends (including runs ended by their root or the TTL): drop what we kept for it.
      enrichSpan: (span, event) => {
        this.forget(event.key);
        if (typeof userEnrich === 'function') userEnrich(span, event);
      },
    });
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
    this.guard('handleLLMNewToken', () => {
      const key = readString(runId);
      const chunk = field(rest[2], 'chunk');
      if (!key || !isContentToken(token, chunk) || !this.recorder.isOpen(key)) return;
      const now = performance.now();
      const state = this.tokens.get(key);
      if (state === undefined && chunk === undefined) {
        // A lone token without a chunk is a cache hit or a whole output, not a stream: wait for a second one.
        this.tokens.set(key, now);
        return;
      }
      if (state !== undefined && state !== STREAMING) this.recorder.recordChunk(key, state);
      this.recorder.recordChunk(key, now);
      this.tokens.set(key, STREAMING);
    });
  }

  override handleLLMEnd(output: unknown, runId: string): void {
    this.guard('handleLLMEnd', () => {
      const key = readString(runId);
      if (!key) return;
      this.tokens.delete(key);
      this.recorder.endCall({ key, ...mapLlmResult(output) });
    });
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.guard('handleLLMError', () => {
      const key = readString(runId);
      if (!key) return;
      this.tokens.delete(key);
      this.recorder.failCall({ key, error, errorInfo: mapErrorInfo(error) });
    });
  }

  /**
   * LangChain calls this with `(chain, inputs, runId, parentRunId, tags, metadata, runType, runName, extra)`, not in
   * the order its type declaration gives, so the rest is read by position here.
   */
  override handleChainStart(chain: Serialized, inputs: unknown, runId: string, ...rest: unknown[]): void {
    this.guard('handleChainStart', () => {
      const key = readString(runId);
      if (!key) return;
      // rest[3] is LangChain's runType (`prompt` / `parser`); every chain step is recorded alike.
      const [parentRunId, tags, metadata, , runName, extra] = rest;
      if (this.hidden.has(key) || this.recorder.isOpen(key)) return; // a duplicate start
      if (isHiddenRun(tags)) {
        this.pruneHidden();
        this.hidden.set(key, { parent: this.resolveParent(parentRunId), at: Date.now() });
        return;
      }
      const fields = mapChainStart({ serialized: chain, inputs, parentRunId, tags, metadata, runName, extra });
      this.recorder.startRun({ ...fields, ...this.parentOf(key, parentRunId) });
    });
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    this.guard('handleChainEnd', () => {
      const key = readString(runId);
      if (key && !this.hidden.delete(key)) this.recorder.endRun({ key, output: mapChainOutput(outputs) });
    });
  }

  override handleChainError(error: unknown, runId: string): void {
    this.guard('handleChainError', () => {
      const key = readString(runId);
      if (key && !this.hidden.delete(key)) this.recorder.failRun({ key, error, errorInfo: mapErrorInfo(error) });
    });
  }

  override handleToolStart(tool: Serialized, input: unknown, runId: string, ...rest: unknown[]): void {
    this.guard('handleToolStart', () => {
      const key = readString(runId);
      if (!key) return;
      const [parentRunId, tags, metadata, runName, toolCallId] = rest;
      const fields = mapToolStart({ serialized: tool, input, tags, metadata, runName, toolCallId });
      this.recorder.startRun({ ...fields, ...this.parentOf(key, parentRunId) });
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.guard('handleToolEnd', () => {
      const key = readString(runId);
      if (!key) return;
      const mapped = mapToolOutput(output);
      if (!mapped.isError) this.recorder.endRun({ key, output: mapped.output });
      else this.recorder.failRun({ key, error: mapped.output, errorInfo: { type: 'ToolError' } });
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    this.guard('handleToolError', () => {
      const key = readString(runId);
      if (key) this.recorder.failRun({ key, error, errorInfo: mapErrorInfo(error) });
    });
  }

  override handleRetrieverStart(retriever: Serialized, query: unknown, runId: string, ...rest: unknown[]): void {
    this.guard('handleRetrieverStart', () => {
      const key = readString(runId);
      if (!key) return;
      const [parentRunId, tags, metadata, runName] = rest;
      const fields = mapRetrieverStart({ serialized: retriever, query, tags, metadata, runName });
      this.recorder.startRun({ ...fields, ...this.parentOf(key, parentRunId) });
    });
  }

  override handleRetrieverEnd(documents: unknown, runId: string): void {
    this.guard('handleRetrieverEnd', () => {
      const key = readString(runId);
      if (key) this.recorder.endRun({ key, output: mapDocuments(documents) });
    });
  }

  override handleRetrieverError(error: unknown, runId: string): void {
    this.guard('handleRetrieverError', () => {
      const key = readString(runId);
      if (key) this.recorder.failRun({ key, error, errorInfo: mapErrorInfo(error) });
    });
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
      logger.warn(`contextFor failed: ${String(error)}`);
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
    this.tokens.clear();
    this.recorder.endAll(reason);
  }

  /** Counters of open, ended and expired runs. */
  stats(): AgentOpsLangChainHandlerStats {
    return { ...this.recorder.stats(), handlerEntries: this.hidden.size + this.tokens.size };
  }

  private startLlm(
    operation: 'chat' | 'text_completion',
    llm: unknown,
    input: unknown,
    runId: unknown,
    rest: unknown[],
  ) {
    this.guard(operation === 'chat' ? 'handleChatModelStart' : 'handleLLMStart', () => {
      const key = readString(runId);
      if (!key) return;
      const [parentRunId, extraParams, tags, metadata, runName] = rest;
      this.pruneTokens();
      const fields = mapLlmStart({ operation, serialized: llm, input, extraParams, tags, metadata, runName });
      this.recorder.startCall({ ...fields, ...this.parentOf(key, parentRunId) });
    });
  }

  /**
   * Parent by run id through the core; the context active now (inline callbacks run in the caller's context) is the
   * fallback for roots and for parents this handler never saw (constructor callbacks).
   */
  private parentOf(key: string, parentRunId: unknown): { key: string; parentKey?: string; parentContext: Context } {
    return { key, parentKey: this.resolveParent(parentRunId), parentContext: context.active() };
  }

  /** The nearest ancestor that has a span (hidden runs are skipped). */
  private resolveParent(parentRunId: unknown): string | undefined {
    let parent = readString(parentRunId);
    for (let depth = 0; parent !== undefined && depth < MAX_HIDDEN_DEPTH; depth++) {
      const hidden = this.hidden.get(parent);
      if (!hidden) return parent;
      parent = hidden.parent;
    }
    return parent;
  }

  /** Drops hidden runs that never ended once their parent is gone (or, for hidden roots, after the core's TTL). */
  private pruneHidden(): void {
    if (this.hidden.size === 0) return;
    const now = Date.now();
    for (const [key, { parent, at }] of this.hidden) {
      const parentOpen = parent !== undefined && this.recorder.isOpen(parent);
      if (!parentOpen && (parent !== undefined || now - at > this.hiddenTtlMs)) this.hidden.delete(key);
    }
  }

  private forget(key: string): void {
    this.tokens.delete(key);
    this.pruneHidden();
  }

  /** Drops token state of runs the core no longer has open (abandoned streams whose spans were not recorded). */
  private pruneTokens(): void {
    for (const key of this.tokens.keys()) if (!this.recorder.isOpen(key)) this.tokens.delete(key);
  }

  private guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      logger.warn(`${where} failed: ${String(error)}`);
    }
  }
}
