/** An in-process OTLP trace receiver: gRPC TraceService and OTLP/HTTP `POST /v1/traces`, both on 127.0.0.1. */

import { createServer, type Server as HttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, inflateSync } from 'node:zlib';
import {
  status as grpcStatus,
  type Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { type ReceivedSpan, spansFromRequest } from './decode.ts';
import { exportMethod } from './protos.ts';

/** How the receiver answers from now on (see {@link OtlpReceiver.setBehaviour}). */
export interface ReceiverBehaviour {
  /** Answer with this HTTP status (gRPC: the matching status code, e.g. 500 → INTERNAL, 401 → UNAUTHENTICATED). */
  status?: number;
  /** Explicit gRPC status code, overriding the one mapped from `status`. */
  grpcCode?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Apply to the next N requests only, then answer normally again. Default: until changed. */
  times?: number;
}

/** One export request as received. */
export interface ReceivedRequest {
  /** `grpc`, `http-protobuf` or `http-json`. */
  transport: 'grpc' | 'http-protobuf' | 'http-json';
  /** Lower-cased headers (gRPC: the call metadata; binary values as base64). */
  headers: Record<string, string>;
  /** The request body, decompressed when it was sent with gzip. */
  body: Buffer;
  /** HTTP status answered (for gRPC: 200 for OK, else the behaviour's status or 500). */
  status: number;
  /** Spans in the request (counted even when the answer was an error). */
  spanCount: number;
}

/** Options of {@link startOtlpReceiver}. */
export interface OtlpReceiverOptions {
  /** gRPC port on 127.0.0.1; 0 (default) picks a free one. */
  grpcPort?: number;
  /** OTLP/HTTP port on 127.0.0.1; 0 (default) picks a free one. */
  httpPort?: number;
}

/** A running receiver. */
export interface OtlpReceiver {
  /** `http://127.0.0.1:PORT`: the `url` of `@opentelemetry/exporter-trace-otlp-grpc`. */
  grpcUrl: string;
  /** `http://127.0.0.1:PORT/v1/traces`: the `url` of `@opentelemetry/exporter-trace-otlp-proto` / `-http`. */
  httpUrl: string;
  /** `http://127.0.0.1:PORT`: the OTLP/HTTP base, as in `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  httpEndpoint: string;
  /** Spans of accepted requests, in arrival order. Live; cleared by `reset()`. */
  spans: ReceivedSpan[];
  /** Body of every request (accepted or not), decompressed: grep these for secrets. */
  rawBodies: Buffer[];
  /** Every request with its headers and the status answered. */
  requests: ReceivedRequest[];
  /** Resolves with `spans` once at least `count` spans were accepted; rejects after `timeoutMs` (default 5000). */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves with `requests` once at least `count` requests arrived; rejects after `timeoutMs` (default 5000). */
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  /** Changes how requests are answered; `setBehaviour({})` restores normal answers. */
  setBehaviour(behaviour: ReceiverBehaviour): void;
  /** Clears spans, bodies, requests and the behaviour. */
  reset(): void;
  /** Closes both listeners (dropping open connections) but keeps everything recorded. */
  stop(): Promise<void>;
  /** Reopens both listeners on the same ports after `stop()`. */
  start(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

/** HTTP status → gRPC status code, as the OTLP spec pairs them. */
export function grpcCodeFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return grpcStatus.INVALID_ARGUMENT;
    case 401:
      return grpcStatus.UNAUTHENTICATED;
    case 403:
      return grpcStatus.PERMISSION_DENIED;
    case 404:
      return grpcStatus.UNIMPLEMENTED;
    case 408:
    case 504:
      return grpcStatus.DEADLINE_EXCEEDED;
    case 429:
      return grpcStatus.RESOURCE_EXHAUSTED;
    case 502:
    case 503:
      return grpcStatus.UNAVAILABLE;
    default:
      return grpcStatus.INTERNAL;
  }
}

/** A gRPC request as the wrapped deserializer hands it over: the raw bytes and the decoded message. */
interface Captured {
  raw: Buffer;
  message: unknown;
}

function metadataHeaders(metadata: Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) {
    out[key] = typeof value === 'string' ? value : Buffer.from(value).toString('base64');
  }
  return out;
}

function httpHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts both listeners on 127.0.0.1 and resolves once they accept connections. */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const method = exportMethod();
  const spans: ReceivedSpan[] = [];
  const rawBodies: Buffer[] = [];
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  const timers = new Set<NodeJS.Timeout>();
  let behaviour: ReceiverBehaviour = {};
  let grpcServer: Server | undefined;
  let httpServer: HttpServer | undefined;
  let grpcPort = options.grpcPort ?? 0;
  let httpPort = options.httpPort ?? 0;
  let closed = false;

  /** Records a request and decides its answer: the HTTP status, 200 when accepted. */
  function receive(
    transport: ReceivedRequest['transport'],
    headers: Record<string, string>,
    body: Buffer,
    decoded: unknown,
  ) {
    const received = spansFromRequest(decoded);
    const current = behaviour;
    if (current.times !== undefined) {
      behaviour = current.times > 1 ? { ...current, times: current.times - 1 } : {};
    }
    const status = current.status ?? 200;
    rawBodies.push(body);
    requests.push({ transport, headers, body, status, spanCount: received.length });
    if (status >= 200 && status < 300) spans.push(...received);
    for (const waiter of waiters) waiter();
    return { status, grpcCode: current.grpcCode, delayMs: current.delayMs ?? 0 };
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  }

  const grpcService = {
    Export: {
      ...method,
      // Keep the exact bytes next to the decoded message so tests can grep what was exported.
      requestDeserialize: (raw: Buffer): Captured => ({ raw, message: method.requestDeserialize(raw) }),
    },
  };

  function onGrpcExport(call: ServerUnaryCall<Captured, unknown>, callback: sendUnaryData<unknown>): void {
    const answer = receive('grpc', metadataHeaders(call.metadata), call.request.raw, call.request.message);
    later(answer.delayMs, () => {
      if (answer.status >= 200 && answer.status < 300) {
        callback(null, {});
        return;
      }
      const error: Partial<ServiceError> = {
        code: answer.grpcCode ?? grpcCodeFor(answer.status),
        details: `otlp-receiver: configured to fail with ${answer.status}`,
      };
      callback(error);
    });
  }

  async function onHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    if (req.method !== 'POST' || path !== '/v1/traces') {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":5,"message":"not found"}');
      return;
    }
    let body = await readBody(req);
    const encoding = req.headers['content-encoding'];
    if (encoding === 'gzip') body = gunzipSync(body);
    else if (encoding === 'deflate') body = inflateSync(body);
    const json = (req.headers['content-type'] ?? '').includes('json');
    let decoded: unknown;
    try {
      decoded = json ? JSON.parse(body.toString('utf8')) : method.requestDeserialize(body);
    } catch (error) {
      rawBodies.push(body);
      requests.push({
        transport: json ? 'http-json' : 'http-protobuf',
        headers: httpHeaders(req),
        body,
        status: 400,
        spanCount: 0,
      });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 3, message: `undecodable body: ${String(error)}` }));
      return;
    }
    const answer = receive(json ? 'http-json' : 'http-protobuf', httpHeaders(req), body, decoded);
    later(answer.delayMs, () => {
      if (res.destroyed) return;
      if (answer.status < 200 || answer.status >= 300) {
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ code: grpcCodeFor(answer.status), message: `configured to fail with ${answer.status}` }),
        );
      } else if (json) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}');
      } else {
        const payload = method.responseSerialize({});
        res.writeHead(answer.status, { 'content-type': 'application/x-protobuf' }).end(payload);
      }
    });
  }

  async function listen(): Promise<void> {
    const grpc = new Server();
    grpc.addService(grpcService, { Export: onGrpcExport });
    grpcPort = await new Promise<number>((resolve, reject) => {
      grpc.bindAsync(`127.0.0.1:${grpcPort}`, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      );
    });
    grpcServer = grpc;

    const http = createServer((req, res) => {
      onHttp(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(error));
        else res.destroy();
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(httpPort, '127.0.0.1', () => {
        http.off('error', reject);
        resolve();
      });
    });
    httpPort = (http.address() as AddressInfo).port;
    httpServer = http;
  }

  async function stop(): Promise<void> {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const grpc = grpcServer;
    const http = httpServer;
    grpcServer = undefined;
    httpServer = undefined;
    grpc?.forceShutdown();
    if (http) {
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    }
  }

  function waitFor<T>(ready: () => T | undefined, what: () => string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const value = ready();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`otlp-receiver: timed out after ${timeoutMs} ms: ${what()}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  await listen();

  return {
    grpcUrl: `http://127.0.0.1:${grpcPort}`,
    httpUrl: `http://127.0.0.1:${httpPort}/v1/traces`,
    httpEndpoint: `http://127.0.0.1:${httpPort}`,
    spans,
    rawBodies,
    requests,
    waitForSpans(count, timeoutMs = 5000) {
      return waitFor(
        () => (spans.length >= count ? spans : undefined),
        () => `${spans.length} of ${count} spans (${spans.map((s) => s.name).join(', ')})`,
        timeoutMs,
      );
    },
    waitForRequests(count, timeoutMs = 5000) {
      return waitFor(
        () => (requests.length >= count ? requests : undefined),
        () => `${requests.length} of ${count} requests`,
        timeoutMs,
      );
    },
    setBehaviour(next) {
      behaviour = { ...next };
    },
    reset() {
      spans.length = 0;
      rawBodies.length = 0;
      requests.length = 0;
      behaviour = {};
    },
    stop,
    async start() {
      if (closed) throw new Error('otlp-receiver: start() after close()');
      if (grpcServer || httpServer) return;
      await listen();
    },
    async close() {
      closed = true;
      await stop();
    },
  };
}
