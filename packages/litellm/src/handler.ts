import {
  createLlmSpanRecorder,
  type LlmSpanRecorder,
  type RecorderStats,
  type SessionEndState,
  type SessionHandle,
  startSession,
} from '@agentops/llm-callback-core';
import { toEpochMillis } from '@agentops/llm-callback-core/adapter-kit';
import type { Context } from '@opentelemetry/api';
import { CallerSessions } from './caller-sessions.js';
import { type AgentOpsLiteLLMHandlerOptions, copyOptions, initTracing, isDisabled, logger } from './handler-options.js';
import { callKeyOf, type MappedCall, mapKwargsCall, type StartFields, startFromKwargs } from './map-kwargs.js';
import { mapStandardPayload, parseStandardLoggingPayloads } from './map-standard-payload.js';
import { obj } from './read.js';
import { VERSION } from './version.js';

/** What {@link AgentOpsLiteLLMHandler.logStandardLoggingPayload} did with its input. */
export interface PayloadIngestSummary {
  /** Valid payloads: recorded as spans, or ignored as duplicates of a call already recorded. */
  accepted: number;
  /**
   * Lines or items not recorded: not payloads (invalid JSON, not an object, no `id`, `model` or `call_type`),
   * unreadable (a field throws when read), or received after `close()`.
   */
  rejected: number;
  /** Why items were rejected (the first few). */
  errors: string[];
}

/**
 * Records LiteLLM calls as OpenTelemetry spans with AgentOps attributes. Its methods mirror LiteLLM's
 * `CustomLogger` and take LiteLLM's `kwargs` and response objects as JSON (times as `Date`, ISO strings or epoch
 * seconds). Calls are keyed by `kwargs.litellm_call_id`; duplicate events for one call make one span. No method
 * ever throws.
 *
 * @example
 * ```ts
 * const handler = new AgentOpsLiteLLMHandler({ tags: ['bridge'] });
 * handler.logPreApiCall(kwargs.model, kwargs.messages, kwargs);
 * handler.logSuccessEvent(kwargs, responseObj, kwargs.start_time, kwargs.end_time);
 * handler.logStandardLoggingPayload(ndjsonBody); // or payloads from LiteLLM's generic_api logger
 * handler.close('Success');
 * ```
 */
export class AgentOpsLiteLLMHandler {
  /** Settles when `@agentops/tracing` is initialised (at once without `apiKey`); never rejects. */
  readonly ready: Promise<void>;
  private readonly recorder: LlmSpanRecorder;
  private readonly options: AgentOpsLiteLLMHandlerOptions;
  private readonly callerSessions: CallerSessions | undefined;
  private session: SessionHandle | undefined;
  private closed = false;
  private anonymousCalls = 0;
  /** False when content is off (options or environment): then no tool definitions or output messages are read. */
  private readonly withContent: boolean;

  constructor(options: AgentOpsLiteLLMHandlerOptions = {}) {
    this.options = copyOptions(options);
    const { apiKey, callerSessions, tags, tracerProvider } = this.options;
    this.recorder = createLlmSpanRecorder({
      ...this.options,
      framework: 'litellm',
      instrumentationName: '@agentops/litellm',
      instrumentationVersion: VERSION,
    });
    this.withContent = this.recorder.contentCapture !== 'none';
    if (callerSessions && !isDisabled(this.options)) {
      const settings = typeof callerSessions === 'object' ? callerSessions : {};
      this.callerSessions = new CallerSessions(settings, tags, tracerProvider);
    }
    const key = typeof apiKey === 'string' && apiKey !== '' ? apiKey : undefined;
    const openSession = () => this.guard('startSession', () => this.openSession());
    // With an apiKey the session waits for init(), so that its span goes to the provider init() registers.
    this.ready = key ? initTracing(key).then(openSession) : Promise.resolve();
    if (!key) openSession();
  }

  /** LiteLLM's `log_pre_api_call`: opens the call's span. */
  logPreApiCall(model: unknown, messages: unknown, kwargs: unknown): void {
    this.guard('logPreApiCall', () => {
      const source = obj(kwargs) ?? {};
      const key = callKeyOf(source);
      if (key) this.ensureStarted(key, () => startFromKwargs(source, model, messages, this.withContent));
    });
  }

  /** LiteLLM's `log_post_api_call` (raw response arrived): opens the span if the pre-call event was missed. */
  logPostApiCall(kwargs: unknown, _responseObj: unknown, startTime: unknown, _endTime?: unknown): void {
    this.guard('logPostApiCall', () => {
      const source = obj(kwargs) ?? {};
      const key = callKeyOf(source);
      if (key)
        this.ensureStarted(key, () =>
          withStart(startFromKwargs(source, undefined, undefined, this.withContent), startTime),
        );
    });
  }

  /** LiteLLM's `log_success_event`: ends the call's span (starting it first if needed). */
  logSuccessEvent(kwargs: unknown, responseObj: unknown, startTime: unknown, endTime: unknown): void {
    this.guard('logSuccessEvent', () => this.onEnd(kwargs, responseObj, startTime, endTime, false));
  }

  /** LiteLLM's `log_failure_event`: ends the call's span with the error. */
  logFailureEvent(kwargs: unknown, responseObj: unknown, startTime: unknown, endTime: unknown): void {
    this.guard('logFailureEvent', () => this.onEnd(kwargs, responseObj, startTime, endTime, true));
  }

  /** LiteLLM's `async_log_success_event`; same as {@link logSuccessEvent}. */
  async asyncLogSuccessEvent(
    kwargs: unknown,
    responseObj: unknown,
    startTime: unknown,
    endTime: unknown,
  ): Promise<void> {
    this.logSuccessEvent(kwargs, responseObj, startTime, endTime);
  }

  /** LiteLLM's `async_log_failure_event`; same as {@link logFailureEvent}. */
  async asyncLogFailureEvent(
    kwargs: unknown,
    responseObj: unknown,
    startTime: unknown,
    endTime: unknown,
  ): Promise<void> {
    this.logFailureEvent(kwargs, responseObj, startTime, endTime);
  }

  /**
   * Records finished calls from LiteLLM `StandardLoggingPayload`s, as the proxy's `generic_api` logger posts them:
   * one payload, an array, or text (a JSON array, one JSON object, or NDJSON). Broken lines and items that are not
   * payloads are skipped and reported (see `parseStandardLoggingPayloads`).
   */
  logStandardLoggingPayload(input: unknown): PayloadIngestSummary {
    const summary: PayloadIngestSummary = { accepted: 0, rejected: 0, errors: [] };
    this.guard('logStandardLoggingPayload', () => {
      const { payloads, rejected, errors } = parseStandardLoggingPayloads(input);
      Object.assign(summary, { rejected, errors });
      const reject = (index: number, reason: string): void => {
        summary.rejected += 1;
        if (summary.errors.length < 20) summary.errors.push(`payload ${index}: ${reason}`);
      };
      let unreadable = 0;
      let firstError: unknown;
      payloads.forEach((payload, index) => {
        // Each payload on its own: one whose fields throw when read is rejected, the rest are still recorded.
        try {
          const mapped = mapStandardPayload(payload, undefined, this.withContent);
          if (this.record(mapped, mapped.failed, 0)) summary.accepted += 1;
          else reject(index, 'the handler is closed');
        } catch (error) {
          if (unreadable === 0) firstError = error;
          unreadable += 1;
          reject(index, 'unreadable (a field threw when read)');
        }
      });
      if (unreadable > 0)
        logger.warn(`logStandardLoggingPayload: ${unreadable} unreadable payload(s) not recorded`, firstError);
    });
    return summary;
  }

  /** The recorder's counters (calls in flight, duplicates ignored, ...), for tests and health checks. */
  stats(): RecorderStats {
    return this.recorder.stats();
  }

  /**
   * Ends every span still open and the session spans with `state`. The handler records nothing afterwards. Export
   * is left to your tracer provider (or `@agentops/tracing`): flush or shut it down after this.
   */
  close(state: SessionEndState = 'Success'): void {
    this.guard('close', () => {
      if (this.closed) return;
      this.closed = true;
      this.recorder.endAll('handler closed');
      this.callerSessions?.endAll(state);
      this.session?.end(state);
    });
  }

  private onEnd(kwargs: unknown, responseObj: unknown, startTime: unknown, endTime: unknown, failed: boolean): void {
    const source = obj(kwargs) ?? {};
    const payload = obj(source.standard_logging_object);
    const { messages, exception } = source;
    const mapped = payload
      ? mapStandardPayload(payload, { response: responseObj, messages, exception, kwargs: source }, this.withContent)
      : mapKwargsCall(source, responseObj, this.withContent);
    mapped.key = callKeyOf(source) ?? mapped.key;
    const { start, end } = mapped;
    // The callback's own times win over the payload's.
    mapped.start = () => withStart(start(), startTime);
    mapped.end = () => {
      const event = end();
      event.endTime = toEpochMillis(endTime) ?? event.endTime;
      return event;
    };
    this.record(mapped, failed, this.options.mergeWindowMs ?? 1000);
  }

  /** Starts the call unless it is open or just ended, then ends or fails it. False when the handler is closed. */
  private record(mapped: MappedCall, failed: boolean, mergeWindowMs: number): boolean {
    if (this.closed) return false;
    // Read before the span starts, so that input whose fields throw when read leaves no span behind.
    const end = mapped.end();
    const error = failed ? mapped.error() : undefined;
    this.anonymousCalls += mapped.key ? 0 : 1;
    const key = mapped.key ?? `litellm-anonymous-${this.anonymousCalls}`;
    this.ensureStarted(key, mapped.start);
    if (!error) {
      this.recorder.endCall(Object.assign(end, { key }), { mergeWindowMs });
      return true;
    }
    const { endTime, outputs, usage, cost, attributes } = end;
    const partial = { outputs, usage, cost, attributes };
    this.recorder.failCall({ ...error, key, endTime, partial }, { mergeWindowMs });
    return true;
  }

  private ensureStarted(key: string, start: () => StartFields): void {
    if (this.closed || this.recorder.isOpen(key) || this.recorder.hasEnded(key)) return;
    const event = start();
    this.recorder.startCall(Object.assign(event, { key, parentContext: this.parentOf(event) }));
  }

  /**
   * LiteLLM's call did not run in this process's context, so its parent is chosen here: the caller's span (W3C
   * trace context), else the caller's session, else the handler's session, else whatever is active.
   */
  private parentOf(event: StartFields): Context | undefined {
    if (event.parentContext && this.options.joinCallerTrace !== false) return event.parentContext;
    const sessionId = event.metadata?.sessionId;
    if (sessionId && this.callerSessions) return this.callerSessions.contextFor(sessionId, event.startTime);
    this.openSession();
    return this.session && !this.session.ended ? this.session.context : undefined;
  }

  private openSession(): void {
    if (this.closed || this.session || this.options.autoSession === false) return;
    const { tags, tracerProvider } = this.options;
    this.session = startSession({ name: 'litellm', tags, tracerProvider });
  }

  private guard(where: string, action: () => void): void {
    try {
      action();
    } catch (error) {
      logger.warn(`${where} failed; the call is not recorded`, error);
    }
  }
}

/** The start event with the callback's own start time, when it has one. */
function withStart(start: StartFields, startTime: unknown): StartFields {
  const time = toEpochMillis(startTime);
  if (time !== undefined) start.startTime = time;
  return start;
}
