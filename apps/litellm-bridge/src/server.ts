import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentOpsLiteLLMHandler, parseStandardLoggingPayloads } from '@agentops/litellm';
import { type ExportStats, type InitOptions, init, type TracingHandle } from '@agentops/tracing';
import type { TracerProvider } from '@opentelemetry/api';
import { type BridgeConfig, DEFAULT_CONFIG } from './config.js';
import { IngestQueue } from './ingest-queue.js';

/** Options of {@link startBridge}: the configuration, and how spans are exported. */
export interface StartBridgeOptions extends Partial<BridgeConfig> {
  /** Options for `@agentops/tracing`'s `init()` (exporters, OTLP endpoint, batching); merged over the bridge's own. */
  tracing?: InitOptions;
  /** Use this provider instead of calling `init()` (tests); the bridge then neither flushes nor shuts it down. */
  tracerProvider?: TracerProvider;
  /** Where the bridge's log lines go. @default stderr */
  log?: (line: string) => void;
}

/** Counters for the health endpoint and tests. */
export interface BridgeStats {
  /** Ingest requests answered, by status code. */
  responses: Record<string, number>;
  /** Payloads accepted (queued for recording). */
  accepted: number;
  /** Lines or items rejected as not being payloads. */
  rejected: number;
  /** Payloads waiting to be recorded. */
  queued: number;
  /** Payloads recorded (as spans, or ignored as duplicates). */
  recorded: number;
  /** Span export counters of `@agentops/tracing` (absent with an own `tracerProvider`). */
  export?: ExportStats;
}

/** A running bridge. */
export interface Bridge {
  /** `http://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  stats(): BridgeStats;
  /**
   * Graceful shutdown: stops accepting, lets requests in progress finish, records every accepted payload, ends open
   * sessions and flushes the export, within `shutdownTimeoutMs`. Idempotent.
   */
  shutdown(): Promise<void>;
}

const HEALTH_PATHS = new Set(['/health', '/healthz', '/livez', '/readyz']);

/** Starts the bridge: an HTTP receiver for the LiteLLM proxy's `generic_api` logger that records spans. */
export async function startBridge(options: StartBridgeOptions = {}): Promise<Bridge> {
  const config: BridgeConfig = { ...DEFAULT_CONFIG, ...withoutUndefined(options) };
  const log = options.log ?? ((line: string) => process.stderr.write(`[litellm-bridge] ${line}\n`));
  const tracing: TracingHandle | undefined = options.tracerProvider
    ? undefined
    : init({ serviceName: config.serviceName, registerGlobal: false, exitHooks: false, ...options.tracing });
  const tracerProvider = options.tracerProvider ?? tracing?.provider;
  const handler = new AgentOpsLiteLLMHandler({
    tracerProvider,
    // Calls arrive from many callers: no handler-wide session; callers' sessions and traces are joined instead.
    autoSession: false,
    callerSessions: { idleTimeoutMs: config.sessionIdleMs, name: 'litellm' },
    joinCallerTrace: config.joinTraceparent,
    tags: config.tags,
    // Payloads are finished calls: nothing to merge.
    mergeWindowMs: 0,
  });
  const queue = new IngestQueue((payloads) => handler.logStandardLoggingPayload(payloads), config.maxQueuedPayloads);
  const counters = { responses: {} as Record<string, number>, accepted: 0, rejected: 0 };
  const tokenDigest = config.authToken ? digest(`Bearer ${config.authToken}`) : undefined;
  // stopping: no new requests; drained: the queue has been recorded for the last time, nothing more is accepted.
  let stopping = false;
  let drained = false;

  const respond = (res: ServerResponse, status: number, body: Record<string, unknown>, close = false) => {
    counters.responses[status] = (counters.responses[status] ?? 0) + 1;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...(close || stopping ? { connection: 'close' } : {}),
      ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    });
    res.end(text);
  };

  const stats = (): BridgeStats => ({
    responses: { ...counters.responses },
    accepted: counters.accepted,
    rejected: counters.rejected,
    queued: queue.size,
    recorded: queue.recorded,
    ...(tracing ? { export: tracing.exportStats() } : {}),
  });

  const ingest = (req: IncomingMessage, res: ServerResponse) => {
    if (tokenDigest && !sameDigest(digest(req.headers.authorization ?? ''), tokenDigest)) {
      return respond(res, 401, { error: 'missing or wrong bearer token' }, true);
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity')
      return respond(res, 415, { error: `unsupported content-encoding "${encoding}"` }, true);
    const declared = Number(req.headers['content-length']);
    if (declared > config.maxBodyBytes) return tooLarge(res);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > config.maxBodyBytes) {
        done = true;
        chunks.length = 0;
        tooLarge(res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      const { payloads, rejected, errors } = parseStandardLoggingPayloads(text);
      counters.rejected += rejected;
      if (payloads.length === 0) {
        log(`rejected a body without payloads: ${errors.slice(0, 3).join('; ')}`);
        return respond(res, 400, { error: 'the body holds no LiteLLM payload', accepted: 0, rejected, errors });
      }
      // A request that was in progress when the shutdown began is still accepted, until the last drain.
      if (drained || !queue.offer(payloads)) {
        counters.rejected += payloads.length;
        const error = drained ? 'the bridge is shutting down' : 'the bridge is overloaded (queue full)';
        return respond(res, 503, { error, accepted: 0, rejected: rejected + payloads.length });
      }
      counters.accepted += payloads.length;
      if (rejected === 0) return respond(res, 200, { accepted: payloads.length, rejected: 0 });
      log(`accepted ${payloads.length} payload(s), rejected ${rejected}: ${errors.slice(0, 3).join('; ')}`);
      respond(res, 207, { accepted: payloads.length, rejected, errors });
    });
  };

  const tooLarge = (res: ServerResponse) =>
    respond(res, 413, { error: `the body is larger than ${config.maxBodyBytes} bytes` }, true);

  const server = createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // Node enforces the two timeouts above on this interval; keep it well below them.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutMs / 4))),
    },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      if (HEALTH_PATHS.has(path) && (req.method === 'GET' || req.method === 'HEAD')) {
        return respond(res, stopping ? 503 : 200, { status: stopping ? 'shutting_down' : 'ok', ...stats() });
      }
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return respond(res, 405, { error: 'POST LiteLLM payloads here; GET /healthz for health' });
      }
      if (stopping) return respond(res, 503, { error: 'the bridge is shutting down' }, true);
      ingest(req, res);
    },
  );
  // A client error (malformed request, timeout) gets a plain answer when a response is still possible.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed && error.code !== 'ECONNRESET') {
      const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    } else socket.destroy();
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    handler.close();
    await tracing?.shutdown();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let shuttingDown: Promise<void> | undefined;
  const shutdown = () => {
    shuttingDown ??= (async () => {
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + config.shutdownTimeoutMs;
      // Requests in progress may finish; what was accepted is recorded either way.
      if (!(await within(closed, config.shutdownTimeoutMs / 2))) server.closeAllConnections();
      drained = true;
      queue.drainAll();
      handler.close('Success');
      if (tracing) {
        const flushed = await within(tracing.shutdown(), Math.max(0, deadline - Date.now()));
        if (!flushed) log('shutdown: the export did not finish in time; unexported spans are lost');
      }
      const { accepted, rejected } = counters;
      log(`stopped: ${accepted} payload(s) accepted, ${queue.recorded} recorded, ${rejected} rejected`);
    })();
    return shuttingDown;
  };

  return { url: `http://${host}:${port}`, port, server, stats, shutdown };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function sameDigest(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

/** Resolves true when `promise` settles within `ms`, false otherwise (it is not cancelled). */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as Partial<T>;
}
