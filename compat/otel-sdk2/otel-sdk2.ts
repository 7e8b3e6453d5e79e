// Stands in for packages/llm-callback-core/src/test-support/otel.ts: the same helpers, built on SDK 2.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createTestTracing, type TestTracing } from '../../packages/llm-callback-core/src/testing/index.js';

export const SDK_NAME = 'sdk-trace-base 2';

export function setupTracing(): TestTracing {
  return createTestTracing({
    TracerProvider: BasicTracerProvider,
    contextManager: new AsyncLocalStorageContextManager(),
  });
}

export function createUnsampledProvider() {
  return new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [] });
}
