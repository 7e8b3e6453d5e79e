import { connect } from 'node:net';
import { type Bridge, startBridge } from '@agentops/litellm-bridge';
import { startOtlpReceiver } from '@agentops-internal/otlp-receiver';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FUZZ_RUNS, SEED } from './support/config.ts';
import { watchCrashes } from './support/crash-watch.ts';
import { collectDiag } from './support/diag-collector.ts';
import { summarize, writeFigure } from './support/figures.ts';
import { brief, junk, malformedJson, mutate } from './support/hostile.ts';
import { standardPayload } from './support/litellm-payloads.ts';
import { waitUntil } from './support/wait.ts';

/*
 * The bridge's HTTP endpoint under hostile requests: FUZZ_RUNS generated requests (bodies that are NDJSON with broken
 * lines, JSON arrays, single payloads, malformed JSON, binary garbage; wrong methods, tokens and encodings), then
 * hand-made malformed HTTP on raw sockets. It must answer every request with a documented status and valid JSON,
 * stay up, and record every valid payload of a mixed body.
 */

const TOKEN = 'reliability-token';
const MAX_BODY = 256 * 1024;
const diagLog = collectDiag();
const crashes = watchCrashes();
const receiver = await startOtlpReceiver();
const bridgeLog: string[] = [];
const bridge: Bridge = await startBridge({
  port: 0,
  authToken: TOKEN,
  maxBodyBytes: MAX_BODY,
  headersTimeoutMs: 1500,
  requestTimeoutMs: 2000,
  shutdownTimeoutMs: 20_000,
  log: (line) => {
    if (bridgeLog.length < 200) bridgeLog.push(line);
  },
  tracing: {
    exporters: ['otlp'],
    otlp: { protocol: 'grpc', url: receiver.grpcUrl },
    batch: { scheduledDelayMillis: 200 },
  },
});
const statuses: Record<string, number> = {};
const latencies: number[] = [];

afterAll(async () => {
  crashes.dispose();
  diagLog.dispose();
  await bridge.shutdown();
  await receiver.close();
});

const DOCUMENTED = new Set([200, 207, 400, 401, 405, 408, 413, 415, 503]);
let sequence = 0;
const ID = '__BRIDGE_ID__';
/** Ids of valid payloads the bridge accepted: each must become a span at the receiver. */
const acceptedIds: string[] = [];

const payloadLine = mutate(standardPayload(ID), junk).map((payload) => ({ payload }));
const line = fc.oneof(
  { weight: 3, arbitrary: fc.constant('valid') },
  { weight: 2, arbitrary: payloadLine },
  { weight: 2, arbitrary: malformedJson },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.constantFrom('', '\r', '   ', '{', '[', 'null', '"MaxDepthExceeded"', '\u0000\u0001') },
);
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('ndjson'), lines: fc.array(line, { maxLength: 6 }), crlf: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('json-array'),
      lines: fc.array(line, { maxLength: 6 }),
      crlf: fc.constant(false),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('binary'), bytes: fc.uint8Array({ maxLength: 300 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('text'), text: fc.string({ unit: 'binary', maxLength: 300 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('too-large'),
      size: fc.integer({ min: MAX_BODY + 1, max: MAX_BODY * 2 }),
    }),
  },
);
const request = brief(
  fc.record({
    body,
    method: fc.oneof(
      { weight: 12, arbitrary: fc.constant('POST') },
      { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') },
    ),
    path: fc.constantFrom('/', '/litellm', '/litellm/v1/logs', '/?a=1', '/%ZZ', '/healthz', `/${'a'.repeat(2000)}`),
    auth: fc.oneof(
      { weight: 12, arbitrary: fc.constant('good') },
      { weight: 1, arbitrary: fc.constantFrom('none', 'wrong', 'lowercase scheme', 'token only') },
    ),
    encoding: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'identity', 'GZIP') },
    ),
    contentType: fc.constantFrom(
      'application/json',
      'application/x-ndjson',
      'text/plain',
      undefined,
      'multipart/form-data; boundary=x',
    ),
  }),
);

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** The body bytes, and the ids of the valid payloads in it (recorded only when the bridge accepts the body). */
function render(spec: Request['body']): { bytes: Uint8Array; ids: string[] } {
  if (spec.kind === 'binary') return { bytes: spec.bytes, ids: [] };
  if (spec.kind === 'text') return { bytes: Buffer.from(spec.text), ids: [] };
  if (spec.kind === 'too-large') return { bytes: Buffer.alloc(spec.size, 0x20), ids: [] };
  const ids: string[] = [];
  const items = spec.lines.map((item) => {
    if (item === 'valid') {
      const id = `bridge-${++sequence}`;
      ids.push(id);
      return JSON.stringify(standardPayload(id));
    }
    if (typeof item === 'object') {
      try {
        return JSON.stringify(item.payload).replaceAll(ID, `bridge-junk-${++sequence}`) ?? 'null';
      } catch {
        return '{"broken":';
      }
    }
    return item.replace(/[\r\n]/g, ' ');
  });
  if (spec.kind === 'json-array') {
    const text = `[${items.join(',')}]`;
    // One broken element breaks the whole array: then no payload in it can be expected.
    let whole = true;
    try {
      JSON.parse(text);
    } catch {
      whole = false;
    }
    return { bytes: Buffer.from(text), ids: whole ? ids : [] };
  }
  return { bytes: Buffer.from(items.join(spec.crlf ? '\r\n' : '\n')), ids };
}

function authorization(auth: Request['auth']): string | undefined {
  switch (auth) {
    case 'good':
      return `Bearer ${TOKEN}`;
    case 'wrong':
      return 'Bearer nope';
    case 'lowercase scheme':
      return `bearer ${TOKEN}`;
    case 'token only':
      return TOKEN;
    default:
      return undefined;
  }
}

describe(`LiteLLM bridge HTTP endpoint: ${FUZZ_RUNS} generated requests`, () => {
  it('answers every request with a documented status and JSON, and accepts the valid payloads', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (spec) => {
        const { bytes, ids } = render(spec.body);
        const headers: Record<string, string> = {};
        const auth = authorization(spec.auth);
        if (auth) headers.authorization = auth;
        if (spec.encoding) headers['content-encoding'] = spec.encoding;
        if (spec.contentType) headers['content-type'] = spec.contentType;
        const withBody = spec.method !== 'GET';
        const began = performance.now();
        const response = await fetch(`${bridge.url}${spec.path}`, {
          method: spec.method,
          headers,
          ...(withBody ? { body: bytes } : {}),
        });
        const text = await response.text();
        latencies.push(performance.now() - began);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        expect(DOCUMENTED.has(response.status), `status ${response.status}: ${text.slice(0, 200)}`).toBe(true);
        if (text !== '') expect(() => JSON.parse(text)).not.toThrow();
        const path = spec.path.split('?')[0];
        const isHealth = path === '/healthz' && spec.method === 'GET';
        const encoding = spec.encoding?.toLowerCase();
        let expected: number[] | undefined;
        if (isHealth) expected = [200];
        else if (spec.method !== 'POST') expected = [405];
        else if (bytes.length > MAX_BODY && spec.auth !== 'good') expected = [401, 413];
        else if (spec.auth !== 'good') expected = [401];
        else if (encoding !== undefined && encoding !== 'identity') expected = [415];
        else if (bytes.length > MAX_BODY) expected = [413];
        if (expected) {
          expect(expected).toContain(response.status);
          return;
        }
        if (ids.length > 0) {
          // A mixed body: its valid payloads are accepted (207 when something else in it was rejected).
          expect([200, 207]).toContain(response.status);
          const answer = JSON.parse(text) as { accepted: number };
          expect(answer.accepted).toBeGreaterThanOrEqual(ids.length);
          acceptedIds.push(...ids);
        }
      }),
      { numRuns: FUZZ_RUNS, seed: SEED + 40, endOnFailure: true },
    );
    expect(acceptedIds.length).toBeGreaterThan(FUZZ_RUNS / 5);
  });

  it('survives malformed HTTP on raw sockets and still serves', async () => {
    const cases: [string, string | Buffer, (answer: string) => void][] = [
      [
        'garbage bytes',
        Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10]),
        (a) => expect(a).toMatch(/^HTTP\/1\.1 400|^$/),
      ],
      ['bad request line', 'HELLO\r\n\r\n', (a) => expect(a).toMatch(/^HTTP\/1\.1 400|^$/)],
      [
        'huge header',
        `POST / HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(100_000)}\r\n\r\n`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 (400|431)|^$/),
      ],
      [
        'declared too large',
        `POST / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: ${MAX_BODY * 4}\r\n\r\n`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 413/),
      ],
      [
        'body shorter than declared, then silence',
        `POST / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 1000\r\n\r\n{"id":`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 408|^$/),
      ],
      [
        'headers never finished',
        `POST / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\n`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 408|^$/),
      ],
      [
        'broken chunked encoding',
        `POST / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\nabc\r\n`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 400|^$/),
      ],
      [
        'both content-length and chunked',
        `POST / HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-length: 5\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n`,
        (a) => expect(a).toMatch(/^HTTP\/1\.1 400|^$/),
      ],
    ];
    const answers: Record<string, string> = {};
    for (const [name, bytes, check] of cases) {
      const answer = await rawExchange(bridge.port, bytes, 6000);
      answers[name] = answer.split('\r\n')[0] ?? '';
      check(answer);
    }
    // Still up, and still ingesting.
    const health = await fetch(`${bridge.url}/healthz`);
    expect(health.status).toBe(200);
    const id = `bridge-after-raw-${++sequence}`;
    const ok = await fetch(`${bridge.url}/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(standardPayload(id)),
    });
    expect(ok.status).toBe(200);
    acceptedIds.push(id);
    statuses.raw = cases.length;
    writeFigure('fuzz-bridge-raw', 'npm run test:reliability -- src/hostile-bridge.test.ts', answers);
  });

  it('exports a span for every valid payload it accepted, and crashed nothing', async () => {
    await bridge.shutdown();
    const want = new Set(acceptedIds);
    const arrived = () => {
      const ids = new Set<string>();
      for (const span of receiver.spans) {
        const id = span.attributes['litellm.call_id'];
        if (typeof id === 'string' && want.has(id)) ids.add(id);
      }
      return ids;
    };
    await waitUntil(
      () => arrived().size === want.size,
      60_000,
      () => `${arrived().size}/${want.size} payload spans arrived`,
    );
    expect(crashes.crashes).toEqual([]);
    const stats = bridge.stats();
    writeFigure('fuzz-bridge', 'npm run test:reliability -- src/hostile-bridge.test.ts', {
      requests: FUZZ_RUNS,
      statuses,
      validPayloadsAccepted: want.size,
      spansArrived: arrived().size,
      requestLatencyMs: summarize(latencies),
      bridgeStats: stats,
    });
  });
});

/** Sends raw bytes, then waits (quietly) until the server closes the connection or `timeoutMs` passes. */
function rawExchange(port: number, bytes: string | Buffer, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(bytes);
  });
}
