/**
 * An in-process stand-in for the AgentOps backend on 127.0.0.1: the token endpoint (`POST /v3/auth/token`) and an
 * OTLP/HTTP protobuf traces endpoint (`POST /v1/traces`), decoded with the OTLP test receiver's decoder.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportMethod, type ReceivedSpan, spansFromRequest } from '@agentops-internal/otlp-receiver';

/** A span as the stand-in received it (decoded by the OTLP test receiver's decoder). */
export type StandInSpan = ReceivedSpan;

/** Decodes an OTLP/HTTP protobuf body into spans. */
export function decodeSpans(body: Buffer): StandInSpan[] {
  return spansFromRequest(exportMethod().requestDeserialize(body));
}

/** One request the stand-in received. */
export interface StandInRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the stand-in answers. Change the fields at any time. */
export interface StandInBehaviour {
  /** Status of token requests. @default 200 */
  authStatus: number;
  /** Tokens handed out in turn (the last one repeats). @default ['jwt-1'] */
  tokens: string[];
  /** Holds token requests until this promise settles (to test buffering before the token). */
  authGate?: Promise<void>;
  /** Statuses of the next trace requests, in turn; then 200. A 401 is also sent when the bearer is not `acceptedToken`. */
  traceStatuses: number[];
  /** When set, only this bearer token is accepted on the traces endpoint (others get 401). */
  acceptedToken?: string;
}

/** A running stand-in. */
export interface AgentOpsStandIn {
  /** `http://127.0.0.1:<port>` (the API endpoint). */
  readonly url: string;
  /** `http://127.0.0.1:<port>/v1/traces`. */
  readonly tracesUrl: string;
  readonly behaviour: StandInBehaviour;
  /** Token requests, in order. */
  readonly authRequests: StandInRequest[];
  /** Trace requests, in order (including refused ones). */
  readonly traceRequests: StandInRequest[];
  /** Spans from accepted trace requests. */
  readonly spans: StandInSpan[];
  /** Resolves once at least `count` spans were accepted. */
  waitForSpans(count: number): Promise<StandInSpan[]>;
  /** Stops listening (and drops open connections), keeping the port for `start()`. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the stand-in on a free loopback port. */
export async function startAgentOpsStandIn(initial: Partial<StandInBehaviour> = {}): Promise<AgentOpsStandIn> {
  const behaviour: StandInBehaviour = { authStatus: 200, tokens: ['jwt-1'], traceStatuses: [], ...initial };
  const authRequests: StandInRequest[] = [];
  const traceRequests: StandInRequest[] = [];
  const spans: StandInSpan[] = [];
  const waiters: Array<{ count: number; resolve: (spans: StandInSpan[]) => void }> = [];
  let tokenIndex = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const record = { path: req.url ?? '', headers: req.headers, body };
    if (req.method === 'POST' && req.url === '/v3/auth/token') {
      authRequests.push(record);
      if (behaviour.authGate !== undefined) await behaviour.authGate;
      if (behaviour.authStatus !== 200) {
        res.writeHead(behaviour.authStatus, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: 'Invalid API key' }));
        return;
      }
      const token = behaviour.tokens[Math.min(tokenIndex, behaviour.tokens.length - 1)] ?? 'jwt';
      tokenIndex++;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ token, project_id: 'project-1', project_prem_status: 'free' }));
      return;
    }
    if (req.method === 'POST' && req.url === '/v1/traces') {
      traceRequests.push(record);
      const forced = behaviour.traceStatuses.shift();
      const bearer = req.headers.authorization;
      const status =
        forced ?? (behaviour.acceptedToken !== undefined && bearer !== `Bearer ${behaviour.acceptedToken}` ? 401 : 200);
      if (status !== 200) {
        res.writeHead(status);
        res.end();
        return;
      }
      spans.push(...decodeSpans(body));
      for (const waiter of [...waiters]) {
        if (spans.length >= waiter.count) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(spans);
        }
      }
      res.writeHead(200, { 'Content-Type': 'application/x-protobuf' });
      res.end();
      return;
    }
    res.writeHead(404);
    res.end();
  };

  let server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const port = await listen(0);
  const url = `http://127.0.0.1:${port}`;

  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    behaviour,
    authRequests,
    traceRequests,
    spans,
    waitForSpans: (count) =>
      spans.length >= count ? Promise.resolve(spans) : new Promise((resolve) => waiters.push({ count, resolve })),
    stop,
    start: async () => {
      if (server.listening) return;
      const handler = server.listeners('request')[0] as (req: IncomingMessage, res: ServerResponse) => void;
      server = createServer(handler);
      await listen(port);
    },
    close: stop,
  };
}
