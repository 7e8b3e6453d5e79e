/** OpenAI-shaped error answers. */

/** Body of every OpenAI error answer. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const KNOWN: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: 'invalid_request_error', code: null, message: 'Invalid request (mock).' },
  401: {
    type: 'invalid_request_error',
    code: 'invalid_api_key',
    message: 'Incorrect API key provided: mock. You can find your API key in your account settings (mock).',
  },
  403: { type: 'permission_error', code: 'unsupported_country_region_territory', message: 'Forbidden (mock).' },
  404: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist (mock).' },
  408: { type: 'timeout', code: 'timeout', message: 'Request timed out (mock).' },
  409: { type: 'conflict', code: 'conflict', message: 'Conflict (mock).' },
  422: { type: 'invalid_request_error', code: null, message: 'Unprocessable entity (mock).' },
  429: {
    type: 'requests',
    code: 'rate_limit_exceeded',
    message: 'Rate limit reached for requests (mock). Please try again later.',
  },
  500: {
    type: 'server_error',
    code: null,
    message: 'The server had an error while processing your request. Sorry about that! (mock)',
  },
  502: { type: 'server_error', code: 'bad_gateway', message: 'Bad gateway (mock).' },
  503: {
    type: 'server_error',
    code: 'service_unavailable',
    message: 'The engine is currently overloaded, please try again later (mock).',
  },
  504: { type: 'server_error', code: 'gateway_timeout', message: 'Gateway timeout (mock).' },
};

/** Error body for `status`; `message` replaces the stock text. */
export function errorBody(status: number, message?: string, param: string | null = null): OpenAiErrorBody {
  const known = KNOWN[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
    message: `Mock error ${status}.`,
  };
  return { error: { message: message ?? known.message, type: known.type, param, code: known.code } };
}

/** Extra headers of an error answer: 429 and 503 say when to retry, like the real API. */
export function errorHeaders(status: number, retryAfterMs: number): Record<string, string> {
  if (status !== 429 && status !== 503) return {};
  return { 'retry-after': String(Math.ceil(retryAfterMs / 1000)), 'retry-after-ms': String(retryAfterMs) };
}
