import type { CoreOptions } from '@agentops/llm-callback-core';
import { isDisabledByEnvironment } from '@agentops/llm-callback-core/adapter-kit';
import { diag } from '@opentelemetry/api';
import type { CallerSessionOptions } from './caller-sessions.js';
import { obj } from './read.js';

/** The package's diagnostics (OpenTelemetry `diag`). */
export const logger = diag.createComponentLogger({ namespace: '@agentops/litellm' });

/** Options of `AgentOpsLiteLLMHandler`: the core's options plus the LiteLLM-specific ones. */
export interface AgentOpsLiteLLMHandlerOptions extends CoreOptions {
  /**
   * AgentOps API key. When given, `@agentops/tracing` (an optional peer) is loaded and its `init({ apiKey })` called,
   * so spans are exported to AgentOps; await `handler.ready` before the first call to be sure. Without it, spans go
   * to `tracerProvider` or the global provider that you set up.
   */
  apiKey?: string;
  /** Tags of the handler's session spans (`agentops.tags`), which AgentOps shows as the trace's tags. */
  tags?: string[];
  /**
   * Start one `litellm.session` span per handler, ended by `close()`; calls are its children whatever span is
   * active. With `false`, the active span (or current session) is the parent. Calls that carry the caller's trace
   * context or (with `callerSessions`) session id go there instead. @default true
   */
  autoSession?: boolean;
  /**
   * Join the caller's trace: when the request that LiteLLM served carried a W3C `traceparent` (in its request
   * metadata, or as an inbound header that the proxy kept), the call's span is a child of the caller's span.
   * @default true
   */
  joinCallerTrace?: boolean;
  /**
   * Group calls by the AgentOps session id the caller passed (`metadata.agentops_session_id` in the request, or the
   * `x-agentops-session-id` header): one `litellm.session` span per id, kept open while calls keep coming. For a
   * long-running receiver such as the proxy bridge, where one handler session would hold every call forever.
   * `true` uses the defaults. @default false
   */
  callerSessions?: boolean | CallerSessionOptions;
  /**
   * How long a call's span waits for LiteLLM's duplicate success or failure event (sync and async both fire) to fill
   * in what the first one lacked, such as the cost. Later duplicates are ignored. @default 1000
   */
  mergeWindowMs?: number;
}

/** A shallow copy of the options, so later changes by the caller have no effect; unreadable options are the defaults. */
export function copyOptions(options: unknown): AgentOpsLiteLLMHandlerOptions {
  try {
    return { ...obj(options) } as AgentOpsLiteLLMHandlerOptions;
  } catch (error) {
    logger.warn('unreadable options; using the defaults', error);
    return {};
  }
}

/** Loads the optional `@agentops/tracing` peer and initialises export to AgentOps; failures are logged. */
export async function initTracing(apiKey: string): Promise<void> {
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional peer.
    const specifier = '@agentops/tracing';
    const tracing: unknown = await import(specifier);
    const init = obj(tracing)?.init;
    if (typeof init === 'function') await init({ apiKey });
    else logger.warn('@agentops/tracing has no init(); spans are not exported to AgentOps');
  } catch (error) {
    logger.warn('could not load @agentops/tracing; install it to export to AgentOps', error);
  }
}

/**
 * The core's kill switch as its recorder reads it (the `disabled` option, else `AGENTOPS_DISABLED` or
 * `OTEL_SDK_DISABLED`), for the caller sessions this package starts itself.
 */
export function isDisabled(options: AgentOpsLiteLLMHandlerOptions): boolean {
  return typeof options.disabled === 'boolean' ? options.disabled : isDisabledByEnvironment();
}
