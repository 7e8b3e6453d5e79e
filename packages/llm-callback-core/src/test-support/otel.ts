// The SDK used by the core's own tests. The OpenTelemetry SDK 2 compatibility run (compat/otel-sdk2) swaps this
// module for one built on sdk-trace-base 2.x, so every core test runs against both SDKs.
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { createTestTracing, type TestTracing, type TracerProviderClass } from '../testing/index.js';

export const SDK_NAME = 'sdk-trace 3';

export function setupTracing(): TestTracing {
  return createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
}

/** A provider that samples nothing, for the sampling tests. */
export function createUnsampledProvider(): InstanceType<TracerProviderClass> {
  return new TracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [] });
}
