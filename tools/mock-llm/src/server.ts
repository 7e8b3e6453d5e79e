/** The mock's HTTP server: routing, request recording, scenario errors and the per-model failure counters. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatCompletionEvents, chatCompletionJson, chatConversation } from './chat-completions.ts';
import { embeddingsResponse } from './embeddings.ts';
import { errorBody, errorHeaders } from './errors.ts';
import { planReply } from './plan.ts';
import { responseObject, responsesConversation, responsesEvents } from './responses-api.ts';
import { defaultScenario, resolveScenario, type Scenario } from './scenario.ts';
import { sendJson, writeJson, writeStream } from './stream.ts';
import { isRecord } from './text.ts';

/** Options of {@link startMockLlm}. */
export interface MockLlmOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** `created` / `created_at` of every answer, in Unix seconds. Fixed by default so answers are reproducible. */
  created?: number;
  /** Vector length of embeddings when the request has no `dimensions`. Default 8. */
  embeddingDimensions?: number;
  /** Model ids listed by GET /v1/models. */
  models?: string[];
  /** Scenario defaults applied before the model name and headers (e.g. `{ chunkDelayMs: 5 }`). */
  scenario?: Partial<Scenario>;
}

/** One request as the mock received it. */
export interface RecordedRequest {
  /** 1-based arrival order (since start or the last reset). */
  seq: number;
  /** HTTP method. */
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  /** Lower-cased request headers; `authorization`, `api-key` and `x-api-key` are left out. */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when there was none (or it was not JSON). */
  body: unknown;
  /** `body.model` when it is a string. */
  model?: string;
  /** Scenario the request resolved to (POST endpoints only). */
  scenario?: Scenario;
  /** Status code answered; set when the exchange ends, undefined if no answer head was sent (hang, cut, abort). */
  status?: number;
  /** True once the answer was fully written; false while in flight, or when the client aborted / the stream hung or was cut. */
  completed: boolean;
}

/** A running mock server. */
export interface MockLlm {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`: pass it as `baseURL` / `api_base`. */
  url: string;
  /** The bound port. */
  port: number;
  /** Every request received (recorded once its body is read), in arrival order. Live; cleared by {@link MockLlm.reset}. */
  requests: RecordedRequest[];
  /** Resolves once at least `count` requests have arrived (bodies read), with the recorded list. */
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Clears recorded requests, failure counters and id sequences. */
  reset(): void;
  /** Closes the server, ending hung streams and open connections. */
  close(): Promise<void>;
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'api-key', 'x-api-key']);
const DEFAULT_CREATED = 1_735_689_600; // 2025-01-01T00:00:00Z

function recordHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || SECRET_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the mock on 127.0.0.1 and resolves once it listens. */
export async function startMockLlm(options: MockLlmOptions = {}): Promise<MockLlm> {
  const created = options.created ?? DEFAULT_CREATED;
  const dimensions = options.embeddingDimensions ?? 8;
  const models = options.models ?? ['mock-model', 'gpt-4o-mini', 'text-embedding-3-small'];
  const baseScenario: Scenario = { ...defaultScenario(), ...options.scenario };
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  let seq = 0;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const waiter of waiters) waiter();
  };

  async function handle(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, raw: Buffer) {
    const controller = new AbortController();
    res.on('close', () => {
      record.completed = res.writableFinished;
      if (res.headersSent) record.status = res.statusCode;
      controller.abort();
    });
    const requestId = `req_mock_${record.seq}`;
    const baseHeaders = { 'x-request-id': requestId, 'openai-processing-ms': '1', 'openai-version': '2020-10-01' };
    const fail = (status: number, message?: string, extra: Record<string, string> = {}) => {
      sendJson(res, status, errorBody(status, message), { ...baseHeaders, ...extra });
    };

    const route = record.path.replace(/^\/v1(?=\/)/, '');
    const method = record.method;
    if (method === 'GET' && route === '/health') {
      sendJson(res, 200, { status: 'ok' });
      return;
    }
    if (method === 'GET' && route === '/models') {
      const data = models.map((id) => ({ id, object: 'model', created, owned_by: 'mock' }));
      sendJson(res, 200, { object: 'list', data }, baseHeaders);
      return;
    }
    if (method === 'GET' && route.startsWith('/models/')) {
      const id = decodeURIComponent(route.slice('/models/'.length));
      sendJson(res, 200, { id, object: 'model', created, owned_by: 'mock' }, baseHeaders);
      return;
    }
    const endpoints = ['/chat/completions', '/responses', '/embeddings'];
    if (method !== 'POST' || !endpoints.includes(route)) {
      fail(404, `Invalid URL (${method} ${record.path})`);
      return;
    }
    if (raw.length > 0 && record.body === undefined) {
      fail(400, 'We could not parse the JSON body of your request (mock).');
      return;
    }
    const body = record.body;
    if (!isRecord(body)) {
      fail(400, 'The request body must be a JSON object (mock).');
      return;
    }
    const model = typeof body.model === 'string' ? body.model : '';
    const scenario = resolveScenario(baseScenario, model, req.headers);
    record.scenario = scenario;
    if (scenario.errorStatus !== undefined) {
      fail(scenario.errorStatus, undefined, errorHeaders(scenario.errorStatus, scenario.retryAfterMs));
      return;
    }
    if (scenario.failTimes !== undefined) {
      const attempt = (attempts.get(model) ?? 0) + 1;
      attempts.set(model, attempt);
      if (attempt <= scenario.failTimes) {
        fail(scenario.failStatus, undefined, errorHeaders(scenario.failStatus, scenario.retryAfterMs));
        return;
      }
    }
    const n = record.seq;

    if (route === '/embeddings') {
      const answer = embeddingsResponse(body, dimensions);
      if (typeof answer === 'string') return fail(400, answer);
      await writeJson(res, 200, answer, scenario, controller.signal, baseHeaders);
      return;
    }

    if (route === '/chat/completions') {
      const conversation = chatConversation(body);
      if (typeof conversation === 'string') return fail(400, conversation);
      const plan = planReply(conversation, scenario);
      const meta = { id: `chatcmpl-mock-${n}`, created, model, toolCallId: `call_mock_${n}` };
      if (body.stream === true) {
        const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
        await writeStream(
          res,
          chatCompletionEvents(plan, meta, includeUsage),
          scenario,
          controller.signal,
          baseHeaders,
        );
      } else {
        await writeJson(res, 200, chatCompletionJson(plan, meta), scenario, controller.signal, baseHeaders);
      }
      return;
    }

    const conversation = responsesConversation(body);
    if (typeof conversation === 'string') return fail(400, conversation);
    const plan = planReply(conversation, scenario);
    const meta = {
      id: `resp_mock_${n}`,
      itemId: plan.kind === 'tool' ? `fc_mock_${n}` : `msg_mock_${n}`,
      callId: `call_mock_${n}`,
      created,
      model,
    };
    if (body.stream === true) {
      const events = responsesEvents(plan, meta, body);
      const firstContent = Math.max(
        0,
        events.findIndex((e) => e.content),
      );
      await writeStream(res, events, scenario, controller.signal, baseHeaders, firstContent);
    } else {
      await writeJson(res, 200, responseObject(plan, meta, body, 'done'), scenario, controller.signal, baseHeaders);
    }
  }

  const server = createServer((req, res) => {
    req.socket.setNoDelay(true);
    const url = new URL(req.url ?? '/', 'http://mock');
    const record: RecordedRequest = {
      seq: ++seq,
      method: req.method ?? 'GET',
      path: url.pathname,
      headers: recordHeaders(req),
      body: undefined,
      completed: false,
    };
    readBody(req)
      .then((raw) => {
        if (raw.length > 0) {
          try {
            record.body = JSON.parse(raw.toString('utf8'));
          } catch {
            record.body = undefined;
          }
        }
        if (isRecord(record.body) && typeof record.body.model === 'string') {
          record.model = record.body.model;
        }
        requests.push(record);
        const handled = handle(req, res, record, raw);
        notify();
        return handled;
      })
      .catch((error: unknown) => {
        if (!res.headersSent) {
          sendJson(res, 500, errorBody(500, `Mock failure: ${String(error)}`));
        } else res.destroy();
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    waitForRequests(count, timeoutMs = 5000) {
      return new Promise<RecordedRequest[]>((resolve, reject) => {
        const check = (): void => {
          if (requests.length < count) return;
          cleanup();
          resolve(requests);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`mock-llm: ${requests.length} of ${count} requests arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      attempts.clear();
      seq = 0;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
