import { createTestTracing } from '@agentops/llm-callback-core/testing';
import { FakeListChatModel } from '@langchain/core/utils/testing';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AgentOpsLangChainHandler } from './index.js';

// The optional peer, replaced so that no exporter is set up; the handler imports it lazily.
const init = vi.hoisted(() => vi.fn());
vi.mock('@agentops/tracing', () => ({ init }));

const tracing = createTestTracing({ TracerProvider, contextManager: new AsyncLocalStorageContextManager() });
afterAll(() => tracing.shutdown());

describe('apiKey option', () => {
  it('sets up AgentOps tracing once per process, in the background, unless the handler is disabled', async () => {
    new AgentOpsLangChainHandler({ apiKey: 'disabled-key', disabled: true });
    const handler = new AgentOpsLangChainHandler({ apiKey: 'key-1' });
    new AgentOpsLangChainHandler({ apiKey: 'key-1' });
    // Not called inside the constructor: the import is never awaited on the caller's path.
    expect(init).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(init).toHaveBeenCalledTimes(1));
    expect(init).toHaveBeenCalledWith({ apiKey: 'key-1' });

    await new FakeListChatModel({ responses: ['ok'] }).invoke('hi', { callbacks: [handler] });
    expect(tracing.spans().map((span) => span.name)).toEqual(['chat.llm']);
    expect(tracing.spans()[0]?.attributes['agentops.api_key']).toBeUndefined();
  });
});
