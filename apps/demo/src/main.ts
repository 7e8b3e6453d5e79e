/**
 * `npm start`: sets up export with `@agentops/tracing`, runs the demo flow (`./demo.ts`) and prints the console
 * waterfall. Spans also go to a JSON-lines file, to an OTLP collector over gRPC when `OTEL_EXPORTER_OTLP_ENDPOINT`
 * is set, and to AgentOps when `AGENTOPS_API_KEY` is set.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ExporterName, type ExportStats, init } from '@agentops/tracing';
import type { SpanProcessor } from '@opentelemetry/sdk-trace';
import { type DemoResult, runDemo } from './demo.ts';

/** Where the spans go unless `AGENTOPS_TRACE_FILE` says otherwise; rewritten on each run. */
export const DEFAULT_TRACE_FILE = fileURLToPath(new URL('../output/spans.jsonl', import.meta.url));
/** `service.name` unless `OTEL_SERVICE_NAME` is set. */
export const DEFAULT_SERVICE_NAME = 'agentops-demo';

/** Options of {@link main} (for tests; `npm start` uses the defaults). */
export interface MainOptions {
  /** Where the progress lines and the waterfall go. @default process.stdout */
  write?: (text: string) => void;
  /** JSON-lines file of the spans. @default `AGENTOPS_TRACE_FILE`, else {@link DEFAULT_TRACE_FILE} */
  traceFile?: string;
  /** More span processors (tests pass an in-memory capture). */
  spanProcessors?: SpanProcessor[];
  /** Flush on `beforeExit`, shut down on SIGTERM. @default true */
  exitHooks?: boolean;
}

/** What {@link main} did. */
export interface MainResult extends DemoResult {
  exporters: readonly ExporterName[];
  traceFile: string;
  stats: ExportStats;
}

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** Console and file always; OTLP (gRPC by default) and AgentOps when their environment variables are set. */
export function chooseExporters(env: NodeJS.ProcessEnv = process.env): ExporterName[] {
  const exporters: ExporterName[] = ['console', 'file'];
  if (set(env.OTEL_EXPORTER_OTLP_ENDPOINT) || set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)) exporters.push('otlp');
  if (set(env.AGENTOPS_API_KEY)) exporters.push('agentops');
  return exporters;
}

/** An environment variable; blank counts as unset (as in `@agentops/tracing`). */
function readEnv(name: string): string | undefined {
  const value = process.env[name];
  return set(value) ? value.trim() : undefined;
}

function describeExporter(name: ExporterName, traceFile: string): string {
  if (name === 'file') return `file ${traceFile}`;
  if (name === 'otlp') {
    const endpoint = readEnv('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? readEnv('OTEL_EXPORTER_OTLP_ENDPOINT');
    const protocol = readEnv('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? readEnv('OTEL_EXPORTER_OTLP_PROTOCOL') ?? 'grpc';
    return `OTLP ${protocol} ${endpoint}`;
  }
  if (name === 'agentops')
    return `AgentOps ${readEnv('AGENTOPS_EXPORTER_ENDPOINT') ?? 'https://otlp.agentops.ai/v1/traces'}`;
  return name;
}

/** Runs the demo with export set up, flushes, and reports where the spans went. */
export async function main(options: MainOptions = {}): Promise<MainResult> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const line = (text: string) => write(`${text}\n`);
  // Nothing may leave the machine by default: LangChain would otherwise trace to LangSmith when its env says so.
  process.env.LANGSMITH_TRACING = 'false';
  process.env.LANGCHAIN_TRACING_V2 = 'false';
  process.env.LANGCHAIN_TRACING = 'false';

  const exporters = chooseExporters();
  const traceFile = options.traceFile ?? readEnv('AGENTOPS_TRACE_FILE') ?? DEFAULT_TRACE_FILE;
  mkdirSync(dirname(traceFile), { recursive: true });
  // The file exporter appends; each run starts a fresh file so it holds exactly this run's spans.
  rmSync(traceFile, { force: true });

  const tracing = init({
    exporters,
    serviceName: readEnv('OTEL_SERVICE_NAME') ?? DEFAULT_SERVICE_NAME,
    console: { write },
    file: traceFile,
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
    ...(options.exitHooks !== undefined ? { exitHooks: options.exitHooks } : {}),
  });
  line('AgentOps demo: LangChain, Vercel AI SDK and LiteLLM traced into one session');
  if (tracing.enabled) {
    line(`exporting to: ${tracing.exporters.map((name) => describeExporter(name, traceFile)).join(', ')}`);
  } else {
    line('tracing is off (AGENTOPS_DISABLED or OTEL_SDK_DISABLED): the flow runs, no spans are recorded');
  }
  let result: DemoResult;
  try {
    result = await runDemo({ progress: line });
  } finally {
    // Prints the waterfall of anything still pending and delivers every batch before the process ends.
    await tracing.shutdown();
  }
  const stats = tracing.exportStats();
  if (tracing.enabled) line(`spans written to ${traceFile}`);
  // The statistics count the network exporters (OTLP, AgentOps), which retry; the file and console do not.
  const network = tracing.exporters.filter((name) => name === 'otlp' || name === 'agentops');
  if (network.length > 0) {
    const targets = network.map((name) => describeExporter(name, traceFile)).join(' and ');
    const lost =
      stats.dropped > 0 ? `; ${stats.dropped} could not be delivered (${stats.lastError ?? 'unknown error'})` : '';
    line(`delivered ${stats.exported} spans to ${targets}${lost}`);
  }
  return { ...result, exporters: tracing.exporters, traceFile, stats };
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
