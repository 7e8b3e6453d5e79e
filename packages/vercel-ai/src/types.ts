import type { CallMetadata, CoreOptions } from '@agentops/llm-callback-core';

/** Options of {@link agentopsMiddleware}: the core's options plus what only this middleware needs. All optional. */
export interface AgentOpsMiddlewareOptions extends CoreOptions {
  /**
   * Metadata recorded on every call through this middleware. A call's `providerOptions.agentops` adds to it: its
   * scalars win, tags and attributes are merged.
   */
  metadata?: CallMetadata;
  /**
   * How long a streamed call may go without a stream part before its span is ended as incomplete. This is what ends
   * the span of a stream the app stopped reading (neither read to the end nor cancelled).
   * @default 300000 (5 minutes)
   */
  streamIdleTimeoutMs?: number;
}

/**
 * The shape `wrapLanguageModel` calls: a `transformParams`, `wrapGenerate` and `wrapStream` that accept the call
 * options and results of any spec version and hand back exactly what the model returned. Its payloads are typed
 * `unknown` (read defensively at run time) and its results are generic, so the one object is assignable to
 * `LanguageModelV2Middleware` (ai@5), `LanguageModelV3Middleware` (ai@6) and `LanguageModelV4Middleware` /
 * `LanguageModelMiddleware` (ai@7).
 *
 * `V` only exists for the type checker: V3 and V4 middleware types each require their own literal
 * `specificationVersion`, so TypeScript infers `'v3'` or `'v4'` from where the value goes (or defaults to `'v3'`).
 * No version of `wrapLanguageModel` reads the field at run time; its value is always `'v3'`.
 */
export interface AgentOpsMiddleware<V extends 'v3' | 'v4' = 'v3'> {
  readonly specificationVersion: V;
  /** Removes `providerOptions.agentops` before the call reaches the provider, and remembers it for the span. */
  transformParams: <P>(options: { type: 'generate' | 'stream'; params: P; model: unknown }) => Promise<P>;
  /** Records one `doGenerate` attempt as a span. */
  wrapGenerate: <R>(options: {
    doGenerate: () => PromiseLike<R>;
    doStream: () => PromiseLike<unknown>;
    params: unknown;
    model: unknown;
  }) => Promise<R>;
  /** Records one `doStream` attempt as a span that ends when the stream does. */
  wrapStream: <R>(options: {
    doGenerate: () => PromiseLike<unknown>;
    doStream: () => PromiseLike<R>;
    params: unknown;
    model: unknown;
  }) => Promise<R>;
}

/** Options of {@link AgentOpsTelemetry}: the core's options plus what only the integration needs. All optional. */
export interface AgentOpsTelemetryOptions extends CoreOptions {
  /**
   * Metadata recorded on every span of every run. A run's `runtimeContext.agentops` (allow-listed with
   * `telemetry.includeRuntimeContext: { agentops: true }`) and `providerOptions.agentops` add to it: their scalars
   * win, tags and attributes are merged.
   */
  metadata?: CallMetadata;
  /**
   * The kind of the run span: `'agent'` (`{name}.agent`) or `'workflow'` (`{name}.workflow`).
   * @default 'agent' when the run has tools, else 'workflow'
   */
  runKind?: 'agent' | 'workflow';
  /**
   * How long a streamed provider call may go without a stream part before its span is ended as incomplete, with
   * what streamed so far.
   * @default 300000 (5 minutes)
   */
  streamIdleTimeoutMs?: number;
}
