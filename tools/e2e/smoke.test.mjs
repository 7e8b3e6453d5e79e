// Proof that the provisioned peers work end to end (node's test runner, Node 24):
//   node --test tools/e2e/smoke.test.mjs
// 1. Jaeger: an SDK 3 TracerProvider exports a parent+child span pair over OTLP gRPC; both are read
//    back by service name through the query API (v1 JSON and v3 OTLP JSON).
// 2. LiteLLM: the proxy (proxy-config.yaml template) answers a chat call through the OpenAI stub and
//    its generic_api logger POSTs a StandardLoggingPayload to a local listener.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ensureJaeger, fetchTracesOtlp, startJaeger, waitForTraces } from './jaeger.mjs';
import { since } from './lib.mjs';
import { startOpenAIStub } from './litellm/openai-stub.mjs';
import { ensureLiteLLM, startLiteLLMProxy } from './litellm.mjs';

test('jaeger: OTLP gRPC span round trip through the query API', async (t) => {
  let t0 = performance.now();
  await ensureJaeger();
  t.diagnostic(`ensureJaeger ${since(t0)} ms`);
  t0 = performance.now();
  const jaeger = await startJaeger();
  t.diagnostic(`startJaeger ${since(t0)} ms (${jaeger.queryUrl})`);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'agentops-e2e-smoke' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: jaeger.otlpGrpcEndpoint }) })],
  });
  try {
    const tracer = provider.getTracer('e2e-smoke', '0.0.1');
    t0 = performance.now();
    tracer.startActiveSpan('llm.session', (parent) => {
      tracer.startActiveSpan('chat mock-gpt', (child) => {
        child.setAttributes({ 'gen_ai.system': 'mock', 'gen_ai.usage.input_tokens': 12 });
        child.setStatus({ code: SpanStatusCode.OK });
        child.end();
      });
      parent.end();
    });
    await provider.forceFlush();
    const traces = await waitForTraces(jaeger.queryUrl, 'agentops-e2e-smoke', { minSpans: 2 });
    t.diagnostic(`export + read back ${since(t0)} ms`);
    assert.equal(traces.length, 1);
    const [tr] = traces;
    const byName = Object.fromEntries(tr.spans.map((s) => [s.operationName, s]));
    const parent = byName['llm.session'];
    const child = byName['chat mock-gpt'];
    assert.ok(parent && child, `spans: ${tr.spans.map((s) => s.operationName)}`);
    assert.equal(tr.processes[child.processID].serviceName, 'agentops-e2e-smoke');
    assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: tr.traceID, spanID: parent.spanID }]);
    const tags = Object.fromEntries(child.tags.map((x) => [x.key, x.value]));
    assert.equal(tags['gen_ai.system'], 'mock');
    assert.equal(tags['gen_ai.usage.input_tokens'], 12);
    assert.equal(tags['otel.scope.name'], 'e2e-smoke');
    assert.equal(tags['otel.status_code'], 'OK');

    const otlp = await fetchTracesOtlp(jaeger.queryUrl, 'agentops-e2e-smoke');
    const spans = otlp.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const otlpChild = spans.find((s) => s.name === 'chat mock-gpt');
    assert.equal(otlpChild.parentSpanId, parent.spanID);
    assert.deepEqual(await fetchTracesOtlp(jaeger.queryUrl, 'no-such-service'), []);
  } finally {
    await provider.shutdown();
    contextManager.disable();
    t0 = performance.now();
    await jaeger.stop();
    t.diagnostic(`stop ${since(t0)} ms`);
  }
});

test('litellm: proxy answers and generic_api POSTs the StandardLoggingPayload', async (t) => {
  let t0 = performance.now();
  await ensureLiteLLM();
  t.diagnostic(`ensureLiteLLM ${since(t0)} ms`);
  const posts = [];
  const sink = createServer(async (req, res) => {
    let text = '';
    for await (const c of req) text += c;
    posts.push({ headers: req.headers, body: JSON.parse(text) });
    res.end('{}');
  });
  await new Promise((r) => sink.listen(0, '127.0.0.1', r));
  const stub = await startOpenAIStub();
  t0 = performance.now();
  const proxy = await startLiteLLMProxy({
    env: {
      AGENTOPS_E2E_OPENAI_API_BASE: `${stub.url}/v1`,
      AGENTOPS_E2E_OPENAI_API_KEY: 'sk-dummy',
      GENERIC_LOGGER_ENDPOINT: `http://127.0.0.1:${sink.address().port}/ingest`,
      GENERIC_LOGGER_HEADERS: 'x-agentops-test=smoke',
      DEFAULT_BATCH_SIZE: '1',
    },
  });
  t.diagnostic(`startLiteLLMProxy ${since(t0)} ms (${proxy.url})`);
  try {
    t0 = performance.now();
    const res = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-gpt', messages: [{ role: 'user', content: 'Say hello.' }] }),
    });
    assert.equal(res.status, 200);
    const completion = await res.json();
    assert.equal(completion.choices[0].message.content, 'Hello from the stub.');
    // The wildcard route passes other model names through unchanged.
    const res2 = await fetch(`${proxy.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'other-model', messages: [{ role: 'user', content: 'Hi.' }] }),
    });
    assert.equal(res2.status, 200);
    for (let i = 0; i < 100 && posts.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    t.diagnostic(`2 calls + 2 generic_api POSTs ${since(t0)} ms`);
    assert.equal(posts.length, 2);
    assert.ok(posts.every((p) => p.headers['x-agentops-test'] === 'smoke'));
    // Each call is flushed on its own (DEFAULT_BATCH_SIZE=1); POSTs may arrive in either order.
    const payloads = posts.flatMap((p) => p.body).sort((a, b) => a.model_group.localeCompare(b.model_group));
    assert.deepEqual(
      payloads.map((p) => [p.model_group, p.model, p.status, p.custom_llm_provider, p.total_tokens]),
      [
        ['mock-gpt', 'openai/mock-gpt', 'success', 'openai', 17],
        ['other-model', 'openai/other-model', 'success', 'openai', 17],
      ],
    );
    assert.deepEqual(
      stub.requests.map((r) => r.body.model),
      ['mock-gpt', 'other-model'],
    );
  } finally {
    await proxy.stop();
    await stub.close();
    await new Promise((r) => sink.close(r));
  }
});
