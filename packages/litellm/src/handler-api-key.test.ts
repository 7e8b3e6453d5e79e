import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AgentOpsLiteLLMHandler } from './handler.js';

// The optional peer is replaced: a real init() would export to AgentOps.
const tracingModule = vi.hoisted(() => ({ init: vi.fn() }));
vi.mock('@agentops/tracing', () => tracingModule);

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());
beforeEach(() => {
  tracing.reset();
  tracingModule.init.mockReset();
});
afterEach(() => expect(tracing.capture.openCount()).toBe(0));

describe('AgentOpsLiteLLMHandler apiKey', () => {
  it('loads @agentops/tracing lazily, calls init({ apiKey }), then starts the session', async () => {
    const handler = new AgentOpsLiteLLMHandler({ apiKey: 'ak-123', tags: ['k'] });
    expect(tracingModule.init).not.toHaveBeenCalled();
    await handler.ready;
    expect(tracingModule.init).toHaveBeenCalledTimes(1);
    expect(tracingModule.init).toHaveBeenCalledWith({ apiKey: 'ak-123' });
    handler.logStandardLoggingPayload({ id: 'api-key-call', model: 'm', status: 'success' });
    handler.close();
    const session = tracing.spans().find((span) => span.name === 'litellm.session');
    expect(session?.attributes['agentops.tags']).toEqual(['k']);
    expect(tracing.spans().find((span) => span.name === 'm.llm')?.parentSpanContext?.spanId).toBe(
      session?.spanContext().spanId,
    );
  });

  it('does not load the tracing package without an apiKey', async () => {
    const handler = new AgentOpsLiteLLMHandler();
    await handler.ready;
    handler.close();
    expect(tracingModule.init).not.toHaveBeenCalled();
  });

  it('survives an init() that throws: ready still resolves and calls are recorded', async () => {
    tracingModule.init.mockImplementation(() => {
      throw new Error('bad key');
    });
    const handler = new AgentOpsLiteLLMHandler({ apiKey: 'bad' });
    await expect(handler.ready).resolves.toBeUndefined();
    handler.logStandardLoggingPayload({ id: 'after-bad-init', model: 'm2', status: 'success' });
    handler.close();
    expect(
      tracing
        .spans()
        .map((span) => span.name)
        .sort(),
    ).toEqual(['litellm.session', 'm2.llm']);
  });

  it('closing before init finishes leaves no session behind', async () => {
    const handler = new AgentOpsLiteLLMHandler({ apiKey: 'ak-fast-close' });
    handler.close();
    await handler.ready;
    expect(tracingModule.init).toHaveBeenCalledTimes(1);
    expect(tracing.spans()).toHaveLength(0);
  });
});
