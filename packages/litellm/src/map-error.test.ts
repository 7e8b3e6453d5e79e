import { describe, expect, it } from 'vitest';
import { type ErrorSources, mapError } from './map-error.js';

const RATE_LIMIT =
  'litellm.RateLimitError: RateLimitError: OpenAIException - Rate limit reached. LiteLLM Retried: 2 times, LiteLLM Max Retries: 3';

describe('mapError', () => {
  it.each<[string, ErrorSources, ReturnType<typeof mapError>]>([
    [
      "a payload's error_information and error_str",
      {
        errorInformation: {
          error_code: '429',
          error_class: 'RateLimitError',
          llm_provider: 'openai',
          error_message: 'Rate limit reached',
        },
        errorStr: RATE_LIMIT,
      },
      {
        errorInfo: { type: 'RateLimitError', message: 'Rate limit reached', statusCode: 429 },
        retry: { retryCount: 2, maxRetries: 3 },
      },
    ],
    [
      'an exception string only (kwargs.exception as JSON)',
      { exception: RATE_LIMIT },
      {
        errorInfo: { type: 'RateLimitError', message: RATE_LIMIT, statusCode: 429 },
        retry: { retryCount: 2, maxRetries: 3 },
      },
    ],
    [
      'an exception object with LiteLLM fields',
      {
        exception: {
          message: 'litellm.BadRequestError: bad',
          status_code: 400,
          code: 'invalid_request',
          num_retries: 0,
          max_retries: 0,
        },
      },
      {
        errorInfo: {
          type: 'BadRequestError',
          message: 'litellm.BadRequestError: bad',
          statusCode: 400,
          code: 'invalid_request',
        },
        retry: { retryCount: 0, maxRetries: 0 },
      },
    ],
    [
      'an exception serialized as { __type__, str, ... }',
      { exception: { __type__: 'RateLimitError', str: RATE_LIMIT, llm_provider: 'openai', num_retries: null } },
      {
        errorInfo: { type: 'RateLimitError', message: RATE_LIMIT, statusCode: 429 },
        retry: { retryCount: 2, maxRetries: 3 },
      },
    ],
    [
      'a Timeout, with the status from the class table',
      { exception: 'litellm.Timeout: Request timed out after 30s' },
      { errorInfo: { type: 'Timeout', message: 'litellm.Timeout: Request timed out after 30s', statusCode: 408 } },
    ],
    [
      'a provider code in error_code (not an HTTP status)',
      {
        errorInformation: {
          error_code: 'context_length_exceeded',
          error_class: 'ContextWindowExceededError',
          error_message: 'too long',
        },
      },
      {
        errorInfo: {
          type: 'ContextWindowExceededError',
          message: 'too long',
          statusCode: 400,
          code: 'context_length_exceeded',
        },
      },
    ],
    [
      'an empty error_information (a success payload) and router history',
      {
        errorInformation: { error_code: '', error_class: '', error_message: '' },
        metadata: { previous_models: [{}, {}] },
      },
      { retry: { attempt: 2 } },
    ],
    [
      'BudgetExceededError has no status',
      { errorStr: 'BudgetExceededError: Budget has been exceeded! Current cost: 10.2, Max budget: 10' },
      {
        errorInfo: {
          type: 'BudgetExceededError',
          message: 'BudgetExceededError: Budget has been exceeded! Current cost: 10.2, Max budget: 10',
        },
      },
    ],
    ['nothing at all', {}, {}],
    [
      "the proxy router's attempt counters",
      {
        exception: 'litellm.RateLimitError: slow',
        metadata: { attempted_retries: 1, max_retries: 2, previous_models: [{}] },
      },
      {
        errorInfo: { type: 'RateLimitError', message: 'litellm.RateLimitError: slow', statusCode: 429 },
        retry: { attempt: 1, maxRetries: 2 },
      },
    ],
    ['garbage', { exception: {}, errorInformation: 'MaxDepthExceeded', errorStr: null, metadata: 'x' }, {}],
    ['a number for an exception is its text', { exception: 42 }, { errorInfo: { message: '42' } }],
  ])('maps %s', (_name, sources, expected) => {
    expect(mapError(sources)).toEqual(expected);
  });

  it('passes a JS Error through so that the core records its stack', () => {
    class RateLimitError extends Error {
      override name = 'RateLimitError';
    }
    const error = new RateLimitError('slow down');
    expect(mapError({ exception: error })).toEqual({
      error,
      errorInfo: { type: 'RateLimitError', message: 'slow down', statusCode: 429 },
    });
  });
});
