/**
 * Scenario directives: how a request asks the mock to misbehave. They come from the model name (so clients that
 * cannot set headers still work), from `x-mock-scenario` (same syntax) and from single-purpose `x-mock-*` headers.
 * Later sources win: model name < `x-mock-scenario` < specific headers.
 */

/** What the mock does for one request. */
export interface Scenario {
  /** Answer every request with this HTTP status and an OpenAI-shaped error body. */
  errorStatus?: number;
  /** Fail the first N requests seen for this model name, then succeed (counter kept per model name). */
  failTimes?: number;
  /** Status used by `failTimes` failures. Default 429. */
  failStatus: number;
  /** Delay before the first byte of a non-streamed answer, or before the first stream event. */
  ttftMs: number;
  /** Delay between stream events after the first. */
  chunkDelayMs: number;
  /** Number of content chunks in a stream (the reply is padded with filler words if it is shorter). */
  chunks?: number;
  /** Cached prompt tokens: added to `prompt_tokens` as a cached prefix and reported as `cached_tokens`. */
  cachedTokens: number;
  /** Reasoning tokens: added to `completion_tokens` and reported as `reasoning_tokens`. */
  reasoningTokens: number;
  /** Stop writing after N content chunks and keep the connection open (non-streamed: never answer). */
  hangAfter?: number;
  /** Destroy the socket after N content chunks (non-streamed: destroy before answering). */
  cutAfter?: number;
  /** Replace the derived text reply. */
  reply?: string;
  /** JSON arguments for the tool call (instead of values synthesized from the tool's schema). */
  toolArgs?: string;
  /** Value of `retry-after-ms` on 429/503 answers (`retry-after` is this rounded up to whole seconds). */
  retryAfterMs: number;
  /** Override the finish reason of a text reply (`stop`, `length`, `content_filter`, ...). */
  finishReason?: string;
}

/** The scenario used when a request names none. */
export function defaultScenario(): Scenario {
  return { failStatus: 429, ttftMs: 0, chunkDelayMs: 0, cachedTokens: 0, reasoningTokens: 0, retryAfterMs: 10 };
}

const boundary = '(?<![a-z0-9])';
const end = '(?![a-z0-9])';
const directive = (body: string): RegExp => new RegExp(`${boundary}${body}${end}`, 'i');

const patterns = {
  error: directive('error-(\\d{3})'),
  flaky: directive('flaky-(\\d+)(?:-(\\d{3}))?'),
  ttft: directive('ttft-(\\d+)'),
  delay: directive('delay-(\\d+)'),
  chunks: directive('chunks-(\\d+)'),
  cached: directive('cached-(\\d+)'),
  reasoning: directive('reasoning-(\\d+)'),
  hang: directive('hang(?:-(\\d+))?'),
  cut: directive('cut-(\\d+)'),
};

/** Applies the directives found in `text` (a model name or an `x-mock-scenario` value) onto `scenario`. */
export function applyDirectives(scenario: Scenario, text: string): Scenario {
  const out = { ...scenario };
  const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : Number(value));
  let m = patterns.error.exec(text);
  if (m) out.errorStatus = num(m[1]);
  m = patterns.flaky.exec(text);
  if (m) {
    out.failTimes = num(m[1]);
    if (m[2]) out.failStatus = Number(m[2]);
  }
  m = patterns.ttft.exec(text);
  if (m) out.ttftMs = Number(m[1]);
  m = patterns.delay.exec(text);
  if (m) out.chunkDelayMs = Number(m[1]);
  m = patterns.chunks.exec(text);
  if (m) out.chunks = num(m[1]);
  m = patterns.cached.exec(text);
  if (m) out.cachedTokens = Number(m[1]);
  m = patterns.reasoning.exec(text);
  if (m) out.reasoningTokens = Number(m[1]);
  m = patterns.hang.exec(text);
  if (m) out.hangAfter = m[1] === undefined ? 0 : Number(m[1]);
  m = patterns.cut.exec(text);
  if (m) out.cutAfter = num(m[1]);
  return out;
}

/** Headers are lower-cased by node:http; a header sent twice arrives joined by `, `. */
type Headers = Record<string, string | string[] | undefined>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function intHeader(headers: Headers, name: string): number | undefined {
  const value = header(headers, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Scenario fields that hold a number. */
type NumericKey = { [K in keyof Scenario]-?: Scenario[K] extends number | undefined ? K : never }[keyof Scenario];

const INT_HEADERS: ReadonlyArray<readonly [string, NumericKey]> = [
  ['x-mock-error-status', 'errorStatus'],
  ['x-mock-fail-times', 'failTimes'],
  ['x-mock-fail-status', 'failStatus'],
  ['x-mock-ttft-ms', 'ttftMs'],
  ['x-mock-chunk-delay-ms', 'chunkDelayMs'],
  ['x-mock-chunks', 'chunks'],
  ['x-mock-cached-tokens', 'cachedTokens'],
  ['x-mock-reasoning-tokens', 'reasoningTokens'],
  ['x-mock-hang-after', 'hangAfter'],
  ['x-mock-cut-after', 'cutAfter'],
  ['x-mock-retry-after-ms', 'retryAfterMs'],
];

/** The full scenario for a request: defaults, then the model name, then `x-mock-scenario`, then `x-mock-*` headers. */
export function resolveScenario(base: Scenario, model: string, headers: Headers): Scenario {
  let s = applyDirectives(base, model);
  const scenarioHeader = header(headers, 'x-mock-scenario');
  if (scenarioHeader) s = applyDirectives(s, scenarioHeader);
  for (const [name, key] of INT_HEADERS) {
    const value = intHeader(headers, name);
    if (value !== undefined) s[key] = value;
  }
  const reply = header(headers, 'x-mock-reply');
  if (reply !== undefined) s.reply = reply;
  const toolArgs = header(headers, 'x-mock-tool-args');
  if (toolArgs !== undefined) s.toolArgs = toolArgs;
  const finishReason = header(headers, 'x-mock-finish-reason');
  if (finishReason !== undefined) s.finishReason = finishReason;
  return s;
}
