import { CallbackManager } from '@langchain/core/callbacks/manager';
import { describe, expect, it } from 'vitest';
import { AgentOpsLangChainHandler } from './agentops-langchain-handler.js';
import { isAgentOpsLangChainHandler, runIdFromConfig } from './tool-context.js';

describe('runIdFromConfig', () => {
  const manager = new CallbackManager('parent-run-1');
  it.each([
    ['a tool config (its callbacks know the tool run)', { callbacks: manager }, 'parent-run-1'],
    ['a run id', 'run-7', 'run-7'],
    ['callbacks as a list', { callbacks: [] }, undefined],
    ['getParentRunId that returns nothing', { callbacks: new CallbackManager(undefined) }, undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_name, config, runId) => {
    expect(runIdFromConfig(config)).toBe(runId);
  });
});

describe('isAgentOpsLangChainHandler', () => {
  it('recognizes handlers by brand, not by class identity', () => {
    expect(isAgentOpsLangChainHandler(new AgentOpsLangChainHandler())).toBe(true);
    expect(isAgentOpsLangChainHandler({ [Symbol.for('@agentops/langchain/handler')]: true })).toBe(true);
    expect(isAgentOpsLangChainHandler({ name: 'agentops_langchain' })).toBe(false);
    expect(isAgentOpsLangChainHandler(null)).toBe(false);
  });
});
