import { describe, expect, it } from 'vitest';
import { mapErrorInfo, mapRunMetadata, runNameOf } from './map-run.js';

describe('mapRunMetadata', () => {
  it.each([
    [
      'user tags without LangChain plumbing tags; thread and user ids',
      { thread_id: 't-1', user_id: 'u-1', ls_provider: 'openai' },
      ['seq:step:1', 'graph:step:2', 'langsmith:hidden', 'nostream', 'prod'],
      { tags: ['prod'], conversationId: 't-1', userId: 'u-1' },
    ],
    ['conversation_id', { conversation_id: 'c-1' }, [], { conversationId: 'c-1' }],
    ['nothing', {}, ['seq:step:1'], undefined],
  ])('%s', (_name, metadata, tags, expected) => {
    expect(mapRunMetadata(metadata, tags)).toEqual(expected);
  });
});

describe('runNameOf', () => {
  const sequence = { lc: 1, type: 'not_implemented', id: ['langchain_core', 'runnables', 'RunnableSequence'] };

  it('names runs by runName, serialized name, then class', () => {
    expect(runNameOf(sequence, 'mine', 'x')).toBe('mine');
    expect(runNameOf({ name: 'n', id: ['A'] }, undefined, 'x')).toBe('n');
    expect(runNameOf(sequence, undefined, 'x')).toBe('RunnableSequence');
    expect(runNameOf(null, '', 'x')).toBe('x');
  });
});

describe('mapErrorInfo', () => {
  it.each([
    [
      'provider code',
      Object.assign(new Error('x'), { status: 429, code: 'rate_limit_exceeded' }),
      { code: 'rate_limit_exceeded' },
    ],
    [
      'nested code',
      Object.assign(new Error('x'), { error: { code: 'context_length_exceeded' } }),
      { code: 'context_length_exceeded' },
    ],
    [
      'LangChain code',
      Object.assign(new Error('x'), { lc_error_code: 'MODEL_RATE_LIMIT' }),
      { code: 'MODEL_RATE_LIMIT', retryable: true },
    ],
    [
      'LangChain code that a retry does not fix',
      Object.assign(new Error('x'), { lc_error_code: 'MODEL_AUTHENTICATION' }),
      { code: 'MODEL_AUTHENTICATION', retryable: false },
    ],
    [
      'provider code wins over the LangChain one; retryability is still known',
      Object.assign(new Error('x'), { code: 'rate_limit_exceeded', lc_error_code: 'MODEL_RATE_LIMIT' }),
      { code: 'rate_limit_exceeded', retryable: true },
    ],
    [
      'unknown LangChain code',
      Object.assign(new Error('x'), { lc_error_code: 'OUTPUT_PARSING_FAILURE' }),
      { code: 'OUTPUT_PARSING_FAILURE' },
    ],
    ['numeric code is not an error code', Object.assign(new Error('x'), { code: 14 }), undefined],
    ['plain error', new Error('x'), undefined],
    ['not an error', 'boom', undefined],
  ])('%s', (_name, error, info) => {
    expect(mapErrorInfo(error)).toEqual(info);
  });
});

describe('lookups by a value from the payload', () => {
  it('never reads the prototype of a lookup table (constructor, __proto__, toString)', () => {
    for (const code of ['constructor', '__proto__', 'toString']) {
      expect(mapErrorInfo({ lc_error_code: code })).toEqual({ code });
    }
  });
});
