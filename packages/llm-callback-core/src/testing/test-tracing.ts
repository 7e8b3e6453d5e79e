import { type ContextManager, context, type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import { createSpanCapture, type ReadableSpanLike, type SpanCapture } from './span-capture.js';
import { type SpanTreeOptions, serializeSpanTree } from './span-tree.js';

/** A provider class of the OpenTelemetry SDK 2 (`BasicTracerProvider`) or 3 (`TracerProvider`). */
export type TracerProviderClass = new (config: {
  spanProcessors: SpanCapture[];
}) => TracerProvider & {
  shutdown(): Promise<void>;
};

/** Options for {@link createTestTracing}. */
export interface TestTracingOptions {
  /** The SDK's provider class; the core does not depend on the SDK, so tests pass it in. */
  TracerProvider: TracerProviderClass;
  /** A context manager, e.g. `new AsyncLocalStorageContextManager()`; registered globally and enabled. */
  contextManager?: ContextManager;
}

/** What {@link createTestTracing} sets up. */
export interface TestTracing {
  provider: TracerProvider & { shutdown(): Promise<void> };
  tracer: Tracer;
  capture: SpanCapture;
  /** Ended spans. */
  spans(): ReadableSpanLike[];
  /** `serializeSpanTree` of the ended spans. */
  tree(options?: SpanTreeOptions): string;
  reset(): void;
  /** Shuts the provider down and unregisters the globals. */
  shutdown(): Promise<void>;
}

/**
 * Registers a real SDK provider with an in-memory capture as the global provider, for tests.
 *
 * @example
 * ```ts
 * import { TracerProvider } from '@opentelemetry/sdk-trace';
 * import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
 *
 * const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
 * afterAll(() => tracing.shutdown());
 * ```
 */
export function createTestTracing(options: TestTracingOptions): TestTracing {
  const capture = createSpanCapture();
  const provider = new options.TracerProvider({ spanProcessors: [capture] });
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  if (options.contextManager) {
    context.disable();
    context.setGlobalContextManager(options.contextManager.enable());
  }
  return {
    provider,
    tracer: provider.getTracer('test'),
    capture,
    spans: () => capture.spans(),
    tree: (treeOptions) => serializeSpanTree(capture.spans(), treeOptions),
    reset: () => capture.reset(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      if (options.contextManager) context.disable();
    },
  };
}
