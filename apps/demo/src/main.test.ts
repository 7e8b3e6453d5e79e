import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSpanCapture } from '@agentops/llm-callback-core/testing';
import type { SpanRecord } from '@agentops/tracing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectDemoTrace, fromReadableSpan, fromSpanRecord } from '../test/demo-trace.ts';
import { chooseExporters, DEFAULT_SERVICE_NAME, type MainResult, main } from './main.ts';

// The whole demo, in-process, on the mock LLM: once, then every test looks at what it produced.
const dir = mkdtempSync(join(tmpdir(), 'agentops-demo-'));
const traceFile = join(dir, 'spans.jsonl');
const capture = createSpanCapture();
let output = '';
let result: MainResult;

beforeAll(async () => {
  // Whatever the developer's shell exports, this run uses only the console and the file.
  for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'AGENTOPS_API_KEY']) {
    vi.stubEnv(name, '');
  }
  vi.stubEnv('OTEL_SERVICE_NAME', '');
  result = await main({
    write: (text) => {
      output += text;
    },
    traceFile,
    spanProcessors: [capture],
    exitHooks: false,
  });
}, 60_000);

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo run', () => {
  it('produces the whole span tree, every span ended', () => {
    expect(capture.openCount()).toBe(0);
    expectDemoTrace(capture.spans().map(fromReadableSpan), {
      sessionId: result.sessionId,
      serviceName: DEFAULT_SERVICE_NAME,
    });
  });

  it('writes the same spans to the JSON-lines file', () => {
    const records = readFileSync(traceFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as SpanRecord);
    expect(records).toHaveLength(capture.spans().length);
    expectDemoTrace(records.map(fromSpanRecord), { sessionId: result.sessionId, serviceName: DEFAULT_SERVICE_NAME });
  });

  it('prints one progress line per step, then the waterfall', () => {
    const lines = output.split('\n');
    expect(lines[0]).toBe('AgentOps demo: LangChain, Vercel AI SDK and LiteLLM traced into one session');
    expect(lines[1]).toBe(`exporting to: console, file ${traceFile}`);
    const steps = lines.filter((line) => /^\[\d\/3\] /.test(line));
    expect(
      steps.map((line) =>
        line
          .slice(0, 60)
          .trimEnd()
          .replace(/\s+\d+$/, ''),
      ),
    ).toEqual([
      '[1/3] LangChain: createAgent + ChatOpenAI, 2 tools',
      '[2/3] AI SDK: streamText + tool, agentopsMiddleware()',
      '[3/3] LiteLLM: proxy payloads → logStandardLoggingPayload',
    ]);
    expect(steps[2]).toContain('3/3 payloads recorded (1 rate-limited, then fallback)');
    const traceId = capture.spans()[0]?.spanContext().traceId;
    const header = lines.find((line) => line.startsWith('AgentOps trace '));
    expect(header).toMatch(
      new RegExp(
        `^AgentOps trace ${traceId} · .+ · 18 spans · 7 LLM calls · 207 tokens \\(158 in, 49 out\\) · \\$0\\.0002$`,
      ),
    );
    expect(lines.indexOf(header ?? '')).toBeGreaterThan(lines.indexOf(steps[2] ?? ''));
    expect(output).toMatch(/^travel-assistant\.session +\S+ \S+ +▕█+▏ {2}Success$/m);
    expect(output).toMatch(/^ {3}├─ gpt-4o\.llm .+ {2}gpt-4o · ✗ ERROR RateLimitError: /m);
    expect(lines.at(-2)).toBe(`spans written to ${traceFile}`);
  });

  it('reports what it did', () => {
    expect(result.exporters).toEqual(['console', 'file']);
    expect(result.llmUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(result.steps).toHaveLength(3);
    // Only network exporters count spans; there is none here, and nothing was dropped.
    expect(result.stats).toMatchObject({ exported: 0, dropped: 0, buffered: 0 });
  });
});

describe('chooseExporters', () => {
  it('adds OTLP and AgentOps only when their variables are set', () => {
    expect(chooseExporters({})).toEqual(['console', 'file']);
    expect(chooseExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4317' })).toEqual([
      'console',
      'file',
      'otlp',
    ]);
    expect(chooseExporters({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4317', AGENTOPS_API_KEY: 'k' })).toEqual([
      'console',
      'file',
      'otlp',
      'agentops',
    ]);
    expect(chooseExporters({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ', AGENTOPS_API_KEY: '' })).toEqual(['console', 'file']);
  });
});
