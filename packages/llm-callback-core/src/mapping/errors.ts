import type { ResolvedConfig } from '../config.js';
import { field, readBoolean, readCount, readNumber, readString } from '../internal/read.js';
import { toSafeText } from '../redaction/safe-json.js';
import { ATTR } from '../semconv.js';
import type { ErrorInfo, RetryInfo, RunKind } from '../types.js';
import type { AttributeSink } from './attributes.js';

/** An error read defensively from whatever was thrown, with the adapter's details taking precedence. */
export interface NormalizedError {
  type: string;
  message: string;
  statusCode: number | undefined;
  code: string | undefined;
  stack: string | undefined;
  retryable: boolean | undefined;
}

export function normalizeError(error: unknown, info: ErrorInfo | undefined): NormalizedError {
  const response = field(error, 'response');
  const statusCode =
    readCount(field(info, 'statusCode')) ??
    readCount(field(error, 'statusCode')) ??
    readCount(field(error, 'status')) ??
    readCount(field(error, 'status_code')) ??
    readCount(field(response, 'status'));
  // Provider SDKs nest the API's own error body: `error.error.code` (OpenAI), `error.error.type` (Anthropic).
  const nested = field(error, 'error');
  const rawCode = field(error, 'code') ?? field(nested, 'code') ?? field(nested, 'type');
  const status = statusCode !== undefined && statusCode >= 100 && statusCode < 600 ? statusCode : undefined;
  return {
    type: readString(field(info, 'type')) ?? errorType(error),
    message: readString(field(info, 'message')) ?? errorMessage(error),
    statusCode: status,
    code: readString(field(info, 'code')) ?? (typeof rawCode === 'string' ? rawCode : undefined),
    stack: readString(field(error, 'stack')),
    retryable:
      readBoolean(field(info, 'retryable')) ??
      readBoolean(field(error, 'isRetryable')) ??
      (status === undefined ? undefined : status === 408 || status === 409 || status === 429 || status >= 500),
  };
}

function errorType(error: unknown): string {
  const name = readString(field(error, 'name'));
  if (name && name !== 'Error') return name;
  try {
    const constructorName = readString(field(field(error, 'constructor'), 'name'));
    if (constructorName && constructorName !== 'Object') return constructorName;
  } catch {
    // fall through
  }
  if (name) return name;
  return error === undefined || error === null ? 'Error' : typeof error === 'object' ? 'Error' : typeof error;
}

function errorMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  const message = readString(field(error, 'message'));
  if (message) return message;
  return '';
}

export function mapError(
  error: NormalizedError,
  retry: RetryInfo | undefined,
  config: ResolvedConfig,
  sink: AttributeSink,
  spanKind: 'llm' | RunKind,
): void {
  sink.set(ATTR.ERROR_TYPE, error.type);
  if (error.message)
    sink.set(
      ATTR.ERROR_MESSAGE,
      toSafeText(error.message, config.redactor, { attribute: ATTR.ERROR_MESSAGE, spanKind }),
    );
  sink.set(ATTR.HTTP_STATUS_CODE, error.statusCode);
  sink.set(ATTR.ERROR_CODE, error.code);
  sink.set(ATTR.ERROR_RETRYABLE, error.retryable);
  if (retry === undefined) return;
  sink.set(ATTR.RETRY_ATTEMPT, readCount(field(retry, 'attempt')));
  sink.set(ATTR.RETRY_MAX, readCount(field(retry, 'maxRetries')));
  sink.set(ATTR.RETRY_COUNT, readCount(field(retry, 'retryCount')));
  sink.set(ATTR.RETRY_BACKOFF_MS, readNumber(field(retry, 'backoffMs')));
}
