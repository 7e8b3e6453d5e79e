import { describe, expect, it } from 'vitest';
import { planReply } from './plan.ts';
import { applyDirectives, defaultScenario, resolveScenario } from './scenario.ts';

describe('scenario directives', () => {
  it('parses every model-name directive', () => {
    const s = applyDirectives(
      defaultScenario(),
      'mock-flaky-2-503-ttft-150-delay-5-chunks-4-cached-10-reasoning-3-cut-2',
    );
    expect(s).toMatchObject({
      failTimes: 2,
      failStatus: 503,
      ttftMs: 150,
      chunkDelayMs: 5,
      chunks: 4,
      cachedTokens: 10,
      reasoningTokens: 3,
      cutAfter: 2,
    });
    expect(applyDirectives(defaultScenario(), 'mock-hang').hangAfter).toBe(0);
    expect(applyDirectives(defaultScenario(), 'openai/mock-hang-3').hangAfter).toBe(3);
    expect(applyDirectives(defaultScenario(), 'mock-error-500').errorStatus).toBe(500);
  });

  it('leaves ordinary model names alone', () => {
    for (const model of [
      'gpt-4o-mini',
      'text-embedding-3-small',
      'o1-mini',
      'gpt-4.1-nano-2025-04-14',
      'shanghai-7b',
    ]) {
      expect(applyDirectives(defaultScenario(), model)).toEqual(defaultScenario());
    }
  });

  it('lets x-mock-scenario override the model name and x-mock-* headers override both', () => {
    const s = resolveScenario(defaultScenario(), 'mock-ttft-100-cached-5', {
      'x-mock-scenario': 'ttft-200 chunks-3',
      'x-mock-chunks': '7',
      'x-mock-reply': 'hi',
      'x-mock-ttft-ms': 'not-a-number',
    });
    expect(s).toMatchObject({ ttftMs: 200, cachedTokens: 5, chunks: 7, reply: 'hi' });
  });
});

describe('planReply', () => {
  const conversation = { model: 'm', tools: [], toolChoice: 'auto' as const };

  it('pads the reply to the requested chunk count and keeps usage consistent', () => {
    const plan = planReply(
      { ...conversation, turns: [{ role: 'user', text: 'x' }] },
      { ...defaultScenario(), chunks: 4, reasoningTokens: 2 },
    );
    expect(plan).toMatchObject({ kind: 'text', text: 'Echo: x more more', chunks: ['Echo:', ' x', ' more', ' more'] });
    expect(plan.usage).toEqual({ prompt: 1, completion: 6, cached: 0, reasoning: 2 });
  });

  it('groups words when there are more words than chunks', () => {
    const plan = planReply(
      { ...conversation, turns: [{ role: 'user', text: 'a b c d e' }] },
      { ...defaultScenario(), chunks: 2 },
    );
    expect(plan.chunks).toEqual(['Echo: a b', ' c d e']);
  });
});
