/**
 * End to end against a real Jaeger (built from the Go module proxy by tools/e2e, cached afterwards): `node
 * src/main.ts` runs as a child process exporting over OTLP gRPC, then the trace is read back from Jaeger's query API
 * and the whole tree is asserted.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTraces, fetchTracesOtlp, startJaeger, waitForTraces } from '../../../tools/e2e/jaeger.mjs';
import { expectDemoTrace } from '../test/demo-trace.ts';
import { fromOtlpJson, type OtlpResourceSpans } from './otlp-json.ts';

const demoRoot = fileURLToPath(new URL('..', import.meta.url));
const serviceName = `agentops-demo-e2e-${process.pid}-${Date.now()}`;
const SPAN_COUNT = 18;

type Jaeger = Awaited<ReturnType<typeof startJaeger>>;
let jaeger: Jaeger | undefined;
const dir = mkdtempSync(join(tmpdir(), 'agentops-demo-e2e-'));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/main.ts'], {
      cwd: demoRoot,
      env: { ...process.env, AGENTOPS_API_KEY: '', AGENTOPS_EXPORTERS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let run: Run;

beforeAll(async () => {
  jaeger = await startJaeger();
  run = await runDemo({
    OTEL_EXPORTER_OTLP_ENDPOINT: jaeger.otlpGrpcEndpoint,
    OTEL_SERVICE_NAME: serviceName,
    AGENTOPS_TRACE_FILE: join(dir, 'spans.jsonl'),
  });
});

afterAll(async () => {
  await jaeger?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('demo → OTLP gRPC → Jaeger', () => {
  it('runs, exports over gRPC and exits cleanly', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `exporting to: console, file ${join(dir, 'spans.jsonl')}, OTLP grpc ${jaeger?.otlpGrpcEndpoint}`,
    );
    expect(run.stdout).toContain(`delivered ${SPAN_COUNT} spans to OTLP grpc ${jaeger?.otlpGrpcEndpoint}`);
    expect(run.stdout).not.toContain('could not be delivered');
  });

  it('stores the whole tree in Jaeger: names, parents, kinds, models, usage, tools, errors', async () => {
    const queryUrl = jaeger?.queryUrl ?? '';
    await waitForTraces(queryUrl, serviceName, { minSpans: SPAN_COUNT });
    const sessionId = /^session travel-assistant \((?<id>[0-9a-f-]{36})\)$/m.exec(run.stdout)?.groups?.id;
    expect(sessionId).toBeDefined();
    const resourceSpans = (await fetchTracesOtlp(queryUrl, serviceName)) as OtlpResourceSpans[];
    const spans = fromOtlpJson(resourceSpans);
    expect(spans).toHaveLength(SPAN_COUNT);
    expectDemoTrace(spans, { sessionId: sessionId ?? '', serviceName });
    // The waterfall the demo printed is for the trace Jaeger stored.
    expect(run.stdout).toContain(`AgentOps trace ${spans[0]?.traceId} · `);
  });

  it('shows the same parents through the classic query API', async () => {
    const traces = (await fetchTraces(jaeger?.queryUrl ?? '', serviceName)) as {
      traceID: string;
      spans: { spanID: string; operationName: string; references: { refType: string; spanID: string }[] }[];
    }[];
    expect(traces).toHaveLength(1);
    const [trace] = traces;
    const nameOf = new Map(trace?.spans.map((span) => [span.spanID, span.operationName]));
    const edges = (trace?.spans ?? [])
      .map((span) => `${nameOf.get(span.references[0]?.spanID ?? '') ?? '(root)'} → ${span.operationName}`)
      .sort();
    expect(edges).toEqual(
      [
        '(root) → travel-assistant.session',
        'travel-assistant.session → weather-agent.agent',
        'travel-assistant.session → budget-planner.agent',
        'travel-assistant.session → ticket-triage.workflow',
        'weather-agent.agent → model_request.task',
        'weather-agent.agent → model_request.task',
        'weather-agent.agent → tools.task',
        'model_request.task → gpt-4o-mini.llm',
        'model_request.task → gpt-4o-mini.llm',
        'model_request.task → RunnableLambda.task',
        'model_request.task → RunnableLambda.task',
        'tools.task → get_weather.tool',
        'budget-planner.agent → gpt-4o.llm',
        'budget-planner.agent → gpt-4o.llm',
        'budget-planner.agent → convert_currency.tool',
        'ticket-triage.workflow → gpt-4o.llm',
        'ticket-triage.workflow → gpt-4o.llm',
        'ticket-triage.workflow → gpt-4o-mini.llm',
      ].sort(),
    );
  });
});
