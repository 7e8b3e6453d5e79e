import { context } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, suppressTracing } from '@opentelemetry/core';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { readEnv } from './env.js';
import { debug, userWarnOnce } from './log.js';
import { ExportFailure, type RetryBufferOptions, RetryingSpanExporter } from './retry-buffer.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/** Default AgentOps REST API (token exchange). */
export const DEFAULT_AGENTOPS_API_ENDPOINT = 'https://api.agentops.ai';
/** Default AgentOps OTLP/HTTP traces URL. */
export const DEFAULT_AGENTOPS_EXPORTER_ENDPOINT = 'https://otlp.agentops.ai/v1/traces';

/** Options of the AgentOps cloud exporter. */
export interface AgentOpsExporterOptions extends RetryBufferOptions {
  /** Project API key (a UUID). @default `AGENTOPS_API_KEY` */
  apiKey?: string;
  /** REST API base, used for `POST /v3/auth/token`. @default `AGENTOPS_API_ENDPOINT`, else https://api.agentops.ai */
  apiEndpoint?: string;
  /** Full OTLP/HTTP traces URL. @default `AGENTOPS_EXPORTER_ENDPOINT`, else https://otlp.agentops.ai/v1/traces */
  exporterEndpoint?: string;
  /** Extra headers on export requests. `Authorization` is always the AgentOps bearer token. */
  headers?: Record<string, string>;
  /** Time limit of one export request, in ms. @default 10000 */
  timeoutMillis?: number;
  /** Time limit of one token request, in ms. @default 10000 */
  authTimeoutMs?: number;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** True when `key` looks like an AgentOps API key (a UUID, with or without dashes or braces). */
export function isValidApiKey(key: string | undefined): boolean {
  if (key === undefined) return false;
  return UUID.test(key.trim().replace(/^\{(.*)\}$/, '$1'));
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

/** How long a refreshed token is trusted before another 401 may trigger another re-authentication. */
const REAUTH_COOLDOWN_MS = 30_000;

type AuthState = 'idle' | 'pending' | 'ready' | 'rejected' | 'no-key';

/**
 * Exchanges the API key for a JWT (`POST {api}/v3/auth/token` with `{"api_key": key}` → `{token, project_id}`),
 * once, single-flight, and again only when the backend rejects the token.
 */
class AgentOpsAuth {
  private readonly apiKey: string | undefined;
  private readonly url: string;
  private readonly timeoutMs: number;
  private state: AuthState;
  private inflight: Promise<string> | undefined;
  private lastRefreshAt = Number.NEGATIVE_INFINITY;
  /** The current JWT, once known. */
  token: string | undefined;
  /** The project the token belongs to, once known. */
  projectId: string | undefined;

  constructor(apiKey: string | undefined, apiEndpoint: string, timeoutMs: number) {
    this.apiKey = apiKey?.trim();
    this.url = joinUrl(apiEndpoint, '/v3/auth/token');
    this.timeoutMs = timeoutMs;
    this.state = 'idle';
    if (this.apiKey === undefined || this.apiKey === '') {
      this.state = 'no-key';
      userWarnOnce(
        'agentops-no-key',
        'no AgentOps API key: pass `apiKey` or set AGENTOPS_API_KEY. Spans will not be exported to AgentOps.',
      );
    } else if (!isValidApiKey(this.apiKey)) {
      this.state = 'rejected';
      userWarnOnce(
        'agentops-bad-key',
        'the AgentOps API key is not a valid UUID (check AGENTOPS_API_KEY). Spans will not be exported to AgentOps.',
      );
    }
  }

  /** Starts the token exchange early, so that it is usually done before the first batch. */
  prefetch(): void {
    if (this.state === 'idle') this.getToken().catch(() => undefined);
  }

  /** The current token, waiting for the exchange if needed. Rejects with an {@link ExportFailure}. */
  getToken(): Promise<string> {
    if (this.token !== undefined) return Promise.resolve(this.token);
    if (this.state === 'no-key' || this.state === 'rejected') return Promise.reject(this.unusable());
    this.inflight ??= this.exchange().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** A new token after `stale` was refused; at most once per cooldown. */
  refresh(stale: string): Promise<string> {
    if (this.token !== undefined && this.token !== stale) return Promise.resolve(this.token);
    if (Date.now() - this.lastRefreshAt < REAUTH_COOLDOWN_MS) {
      return Promise.reject(
        new ExportFailure('AgentOps refused the export token again shortly after re-authentication (HTTP 401)', {
          retryable: true,
          code: 401,
        }),
      );
    }
    this.lastRefreshAt = Date.now();
    this.token = undefined;
    if (this.state === 'ready') this.state = 'idle';
    debug('AgentOps refused the token; re-authenticating once.');
    return this.getToken();
  }

  private unusable(): ExportFailure {
    return new ExportFailure('no usable AgentOps API key', { retryable: false, reported: true });
  }

  private async exchange(): Promise<string> {
    this.state = 'pending';
    let response: Response;
    try {
      // The token request is ours, not the app's: never trace it.
      response = await context.with(suppressTracing(context.active()), () =>
        fetch(this.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': `${SDK_NAME}/${SDK_VERSION}` },
          body: JSON.stringify({ api_key: this.apiKey }),
          signal: AbortSignal.timeout(this.timeoutMs),
        }),
      );
    } catch (error) {
      this.state = 'idle';
      const reason = error instanceof Error ? error.message : String(error);
      debug(`AgentOps token request failed: ${reason}`);
      throw new ExportFailure(`AgentOps token request failed: ${reason}`, { retryable: true });
    }
    const body = await response.text().catch(() => '');
    if (response.ok) {
      const parsed = parseTokenResponse(body);
      if (parsed !== undefined) {
        this.token = parsed.token;
        this.projectId = parsed.projectId;
        this.state = 'ready';
        debug(`AgentOps token received${parsed.projectId !== undefined ? ` for project ${parsed.projectId}` : ''}.`);
        return parsed.token;
      }
      this.state = 'idle';
      throw new ExportFailure('AgentOps token response had no token', { retryable: true, code: response.status });
    }
    const status = response.status;
    if (status === 408 || status === 429 || status >= 500) {
      this.state = 'idle';
      throw new ExportFailure(`AgentOps token request failed with HTTP ${status}`, { retryable: true, code: status });
    }
    this.state = 'rejected';
    const detail = summarize(body);
    userWarnOnce(
      'agentops-key-rejected',
      status === 400 || status === 401 || status === 403
        ? `AgentOps rejected the API key (HTTP ${status}${detail}). Check AGENTOPS_API_KEY; spans will not be exported to AgentOps.`
        : `the AgentOps token request to ${this.url} failed with HTTP ${status}${detail}. Check AGENTOPS_API_ENDPOINT; spans will not be exported to AgentOps.`,
    );
    throw this.unusable();
  }
}

function parseTokenResponse(body: string): { token: string; projectId?: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const { token, project_id: projectId } = parsed as { token?: unknown; project_id?: unknown };
    if (typeof token !== 'string' || token === '') return undefined;
    return typeof projectId === 'string' ? { token, projectId } : { token };
  } catch {
    return undefined;
  }
}

function summarize(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

function isAuthRejection(result: ExportResult): boolean {
  if (result.code === ExportResultCode.SUCCESS) return false;
  const code = (result.error as { code?: unknown } | undefined)?.code;
  return code === 401 || code === 403;
}

/**
 * Sends spans to AgentOps over OTLP/HTTP (protobuf) with `Authorization: Bearer <jwt>`. Batches wait for the token
 * (they are never sent unauthenticated); a 401 or 403 triggers one re-authentication and one re-send. A missing,
 * malformed or rejected key gives one warning, and the spans are dropped (counted). Use it inside a
 * {@link RetryingSpanExporter} (as {@link createAgentOpsExporter} does), which holds batches while it waits.
 */
export class AgentOpsSpanExporter implements SpanExporter {
  private readonly auth: AgentOpsAuth;
  private readonly otlp: ProtoTraceExporter;

  /** Reads options, then `AGENTOPS_*` variables; starts the token exchange at once. */
  constructor(options: AgentOpsExporterOptions = {}) {
    const apiKey = options.apiKey ?? readEnv('AGENTOPS_API_KEY');
    const apiEndpoint = options.apiEndpoint ?? readEnv('AGENTOPS_API_ENDPOINT') ?? DEFAULT_AGENTOPS_API_ENDPOINT;
    const url = options.exporterEndpoint ?? readEnv('AGENTOPS_EXPORTER_ENDPOINT') ?? DEFAULT_AGENTOPS_EXPORTER_ENDPOINT;
    this.auth = new AgentOpsAuth(apiKey, apiEndpoint, options.authTimeoutMs ?? 10_000);
    const extra = { ...options.headers };
    this.otlp = new ProtoTraceExporter({
      url,
      // Read per request, so a refreshed token is used at once.
      headers: async () => ({ ...extra, Authorization: `Bearer ${this.auth.token ?? ''}` }),
      timeoutMillis: options.timeoutMillis ?? 10_000,
      userAgent: `${SDK_NAME}/${SDK_VERSION}`,
    });
    this.auth.prefetch();
  }

  /** The AgentOps project of the current token, once the exchange has succeeded. */
  get projectId(): string | undefined {
    return this.auth.projectId;
  }

  /** Sends the batch once the token is known. */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.exportWithAuth(spans).then(resultCallback, (error: unknown) =>
      resultCallback({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      }),
    );
  }

  /** Waits for requests in flight. */
  forceFlush(): Promise<void> {
    return this.otlp.forceFlush();
  }

  /** Shuts the underlying OTLP exporter down. */
  shutdown(): Promise<void> {
    return this.otlp.shutdown();
  }

  private async exportWithAuth(spans: ReadableSpan[]): Promise<ExportResult> {
    const token = await this.auth.getToken();
    const first = await this.send(spans);
    if (!isAuthRejection(first)) return first;
    await this.auth.refresh(token);
    const second = await this.send(spans);
    if (!isAuthRejection(second)) return second;
    return {
      code: ExportResultCode.FAILED,
      error: new ExportFailure('AgentOps refused the export token after re-authentication (HTTP 401)', {
        retryable: true,
        code: 401,
      }),
    };
  }

  private send(spans: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => this.otlp.export(spans, resolve));
  }
}

/**
 * The AgentOps cloud exporter wrapped in the bounded retry buffer: what to pass to your own
 * `BatchSpanProcessor` when your app already has a tracer provider.
 *
 * @example
 * ```ts
 * const exporter = createAgentOpsExporter({ apiKey: process.env.AGENTOPS_API_KEY });
 * new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
 * ```
 */
export function createAgentOpsExporter(options: AgentOpsExporterOptions = {}): RetryingSpanExporter {
  return new RetryingSpanExporter(new AgentOpsSpanExporter(options), { name: 'agentops', ...options });
}
