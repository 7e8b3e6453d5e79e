import type { CallErrorEvent, ErrorInfo, RetryInfo } from '@agentops/llm-callback-core';
import { readArray, readCount, readNumber, readString } from '@agentops/llm-callback-core/adapter-kit';
import { first, nonEmpty, obj } from './read.js';

/** Where LiteLLM reports a failure; any of them may be missing. */
export interface ErrorSources {
  /**
   * `kwargs.exception`: a JS `Error`, JSON with LiteLLM's exception fields (and `__type__` / `str` when a serializer
   * added them), or its `readString()`.
   */
  exception?: unknown;
  /** `StandardLoggingPayload.error_information`. */
  errorInformation?: unknown;
  /** `StandardLoggingPayload.error_str`. */
  errorStr?: unknown;
  /** `litellm_params.metadata`: the router's `attempted_retries`, `max_retries` and `previous_models`. */
  metadata?: unknown;
}

/** HTTP status of LiteLLM's exception classes (`litellm/exceptions.py`), for when no code was logged. */
const STATUS_BY_CLASS: Record<string, number> = {
  BadRequestError: 400,
  ContextWindowExceededError: 400,
  ContentPolicyViolationError: 400,
  RejectedRequestError: 400,
  UnsupportedParamsError: 400,
  ImageFetchError: 400,
  AuthenticationError: 401,
  PermissionDeniedError: 403,
  NotFoundError: 404,
  Timeout: 408,
  UnprocessableEntityError: 422,
  RateLimitError: 429,
  InternalServerError: 500,
  APIConnectionError: 500,
  BadGatewayError: 502,
  ServiceUnavailableError: 503,
};

const CLASS_PREFIX = /^(?:litellm\.)?([A-Z]\w*?(?:Error|Exception)|Timeout)\b/;
const RETRIED = /LiteLLM Retried: (\d+) times?/;
const MAX_RETRIES = /LiteLLM Max Retries: (\d+)/;

/** Error class, message, HTTP status, provider code and retry counts from whatever LiteLLM logged. */
export function mapError(sources: ErrorSources): Pick<CallErrorEvent, 'error' | 'errorInfo' | 'retry'> {
  const info = obj(sources.errorInformation);
  const exception = obj(sources.exception);
  const exceptionText = readString(sources.exception);
  const exceptionString = readString(exception?.str) ?? exceptionText;
  const message =
    readString(info?.error_message) ??
    readString(sources.errorStr) ??
    readString(exception?.message) ??
    exceptionString;
  const texts = [readString(sources.errorStr), message, exceptionString];
  const type =
    readString(info?.error_class) ??
    readString(exception?.__type__) ??
    (sources.exception instanceof Error && sources.exception.name !== 'Error' ? sources.exception.name : undefined) ??
    texts.map((text) => (text ? CLASS_PREFIX.exec(text)?.[1] : undefined)).find(Boolean);
  const codes = [info?.error_code, exception?.status_code, exception?.code];
  const statusCode = codes.map(httpStatus).find(Boolean) ?? (type ? STATUS_BY_CLASS[type] : undefined);
  const code = codes.map((value) => (httpStatus(value) === undefined ? readString(value) : undefined)).find(Boolean);
  const errorInfo = nonEmpty<ErrorInfo>({ type, message, statusCode, code });
  const metadata = obj(sources.metadata);
  const retry = nonEmpty<RetryInfo>({
    attempt: readCount(first(metadata?.attempted_retries, readArray(metadata?.previous_models)?.length)),
    retryCount: readCount(first(matchInt(texts, RETRIED), exception?.num_retries)),
    maxRetries: readCount(first(matchInt(texts, MAX_RETRIES), exception?.max_retries, metadata?.max_retries)),
  });
  return {
    error: sources.exception instanceof Error ? sources.exception : undefined,
    errorInfo,
    retry,
  };
}

function httpStatus(value: unknown): number | undefined {
  const status = readNumber(value);
  return status !== undefined && Number.isInteger(status) && status >= 100 && status <= 599 ? status : undefined;
}

function matchInt(texts: Array<string | undefined>, pattern: RegExp): number | undefined {
  for (const text of texts) {
    const match = text ? pattern.exec(text) : null;
    if (match) return Number(match[1]);
  }
  return undefined;
}
