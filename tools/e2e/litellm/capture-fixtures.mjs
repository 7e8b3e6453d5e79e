// Regenerate the LiteLLM fixtures in ./fixtures from a REAL LiteLLM proxy (pinned venv):
//   node tools/e2e/litellm/capture-fixtures.mjs
// Starts the OpenAI stub, a local sink for the generic_api logger, and the proxy with
// capture-config.yaml (generic_api + capture_logger.py), then runs four scenarios one at a time:
// plain, stream, tool call, 429 with router retries. Everything binds 127.0.0.1.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, log, run, runDir, since, waitFor } from '../lib.mjs';
import { ensureLiteLLM, LITELLM_OFFLINE_ENV, liteLLMVenvDir, startLiteLLMProxy } from '../litellm.mjs';
import { startOpenAIStub } from './openai-stub.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, 'fixtures');
const LITELLM_VERSION = '1.82.6';

/** Write pretty JSON with machine-specific paths (venv, cache) replaced by placeholders. */
function writeFixture(name, value) {
  const text = JSON.stringify(value, null, 2).replaceAll(liteLLMVenvDir(), '<venv>').replaceAll(cacheRoot(), '<cache>');
  writeFileSync(join(fixturesDir, name), `${text}\n`);
}

/** HTTP sink standing in for the AgentOps receiver of generic_api POSTs. */
async function startSink() {
  const posts = [];
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    posts.push({ method: req.method, path: req.url, headers: req.headers, text });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/litellm/logs`,
    posts,
    close: () => new Promise((r) => server.close(r)),
  };
}

function readCapture(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

const scenarios = [
  {
    name: 'plain',
    body: {
      model: 'stub-chat',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Say hello.' },
      ],
      temperature: 0.2,
      max_tokens: 32,
      user: 'e2e-user-1',
      metadata: { agentops_session_id: 'session-fixture-1', tags: ['fixture'] },
    },
    terminal: 'async_log_success_event',
  },
  {
    name: 'stream',
    body: {
      model: 'stub-chat',
      messages: [{ role: 'user', content: 'Stream a greeting.' }],
      stream: true,
      stream_options: { include_usage: true },
    },
    terminal: 'async_log_success_event',
  },
  {
    name: 'tool-call',
    body: {
      model: 'stub-chat',
      messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: 'auto',
    },
    terminal: 'async_log_success_event',
  },
  {
    name: 'rate-limit-429',
    body: { model: 'stub-rate-limit', messages: [{ role: 'user', content: 'This will be rate limited.' }] },
    terminal: 'async_log_failure_event',
    // The router makes 1 + num_retries attempts, each with its own log_pre_api_call.
    expectPreCalls: 3,
  },
];

async function main() {
  const t0 = performance.now();
  const stub = await startOpenAIStub();
  const sink = await startSink();
  const tmpDir = runDir();
  mkdirSync(fixturesDir, { recursive: true });
  const captureFile = join(tmpDir, `capture-${process.pid}.jsonl`);
  rmSync(captureFile, { force: true });
  const proxy = await startLiteLLMProxy({
    configPath: join(here, 'capture-config.yaml'),
    env: {
      AGENTOPS_E2E_OPENAI_API_BASE: `${stub.url}/v1`,
      AGENTOPS_E2E_OPENAI_API_KEY: 'sk-dummy-not-a-secret',
      GENERIC_LOGGER_ENDPOINT: sink.url,
      GENERIC_LOGGER_HEADERS: 'x-agentops-test=fixture',
      DEFAULT_BATCH_SIZE: '1',
      AGENTOPS_CAPTURE_FILE: captureFile,
    },
  });
  log('capture', `proxy up after ${since(t0)} ms`);
  try {
    for (const sc of scenarios) {
      rmSync(captureFile, { force: true });
      const postsBefore = sink.posts.length;
      const res = await fetch(`${proxy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(sc.body),
      });
      const responseText = await res.text();
      log('capture', `${sc.name}: HTTP ${res.status} (${responseText.length} bytes)`);
      await waitFor(
        `${sc.name} hooks`,
        () => {
          const recs = readCapture(captureFile);
          const terminal = recs.some((r) => r.hook === sc.terminal);
          const preCalls = recs.filter((r) => r.hook === 'log_pre_api_call').length;
          return terminal && preCalls >= (sc.expectPreCalls ?? 1) && sink.posts.length > postsBefore;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      // Let late hooks and any further generic_api POSTs land.
      await new Promise((r) => setTimeout(r, 3000));
      const calls = readCapture(captureFile);
      log('capture', `${sc.name}: upstream requests so far ${stub.requests.length}`);
      const posts = sink.posts.slice(postsBefore).map((p) => ({
        path: p.path,
        contentType: p.headers['content-type'],
        testHeader: p.headers['x-agentops-test'],
        body: JSON.parse(p.text),
      }));
      writeFixture(`custom-logger-proxy-${sc.name}.json`, {
        scenario: sc.name,
        litellmVersion: LITELLM_VERSION,
        via: 'proxy (litellm --config capture-config.yaml; the proxy calls only the async success/failure hooks)',
        request: sc.body,
        httpStatus: res.status,
        response: responseText.startsWith('{') ? JSON.parse(responseText) : responseText,
        calls,
      });
      writeFixture(`generic-api-${sc.name}.json`, { scenario: sc.name, litellmVersion: LITELLM_VERSION, posts });
      if (sc.name === 'plain') writeFixture('standard-logging-payload.json', posts[0].body);
      log('capture', `proxy ${sc.name}: [${calls.map((r) => r.hook).join(', ')}], ${posts.length} POST(s)`);
    }
    await proxy.stop();
    // The same scenarios through the SDK's sync litellm.completion(): the sync hooks fire only there.
    const python = await ensureLiteLLM();
    const sdkLog = join(tmpDir, `capture-sdk-${process.pid}.log`);
    writeFileSync(sdkLog, '');
    await run(python, [join(here, 'capture_sdk.py'), `${stub.url}/v1`, tmpDir], {
      env: { ...process.env, ...LITELLM_OFFLINE_ENV },
      cwd: here,
      logFile: sdkLog,
    });
    for (const sc of scenarios) {
      const calls = readCapture(join(tmpDir, `sdk-${sc.name}.jsonl`));
      if (calls.length === 0) throw new Error(`sdk ${sc.name}: nothing captured (see ${sdkLog})`);
      writeFixture(`custom-logger-sdk-${sc.name}.json`, {
        scenario: sc.name,
        litellmVersion: LITELLM_VERSION,
        via: 'sdk (sync litellm.completion with litellm.callbacks = [CaptureLogger]; see capture_sdk.py)',
        calls,
      });
      log('capture', `sdk ${sc.name}: [${calls.map((r) => r.hook).join(', ')}]`);
    }
  } finally {
    await proxy.stop();
    await sink.close();
    await stub.close();
  }
  const perModel = {};
  for (const r of stub.requests) perModel[r.body.model] = (perModel[r.body.model] ?? 0) + 1;
  log('capture', `done in ${since(t0)} ms; upstream requests per model: ${JSON.stringify(perModel)}`);
}

await main();
