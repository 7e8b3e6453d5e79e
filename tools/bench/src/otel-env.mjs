// The OpenTelemetry SDK of whichever environment this file runs in. The repo has SDK 3 (`@opentelemetry/sdk-trace`,
// options objects, no NodeTracerProvider); the peer harness has SDK 2 (`sdk-trace-base` + `sdk-trace-node`, and the
// `sdk-trace` 2.12 they build on). Both end up the same way: a global provider with an AsyncLocalStorage context
// manager and spans in an InMemorySpanExporter.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let sdk;

/** The version of the package `specifier` resolves to here (its package.json is not exported). */
function versionOf(specifier) {
  let dir = path.dirname(fileURLToPath(import.meta.resolve(specifier)));
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === specifier) return pkg.version;
    } catch {}
  }
  return '?';
}

async function load() {
  if (sdk) return sdk;
  const api = await import('@opentelemetry/api');
  try {
    const trace3 = await import('@opentelemetry/sdk-trace');
    const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
    sdk = {
      name: `sdk-trace ${versionOf('@opentelemetry/sdk-trace')}`,
      api,
      InMemorySpanExporter: trace3.InMemorySpanExporter,
      simple: (exporter) => new trace3.SimpleSpanProcessor({ exporter }),
      batch: (exporter, options) => new trace3.BatchSpanProcessor({ exporter, ...options }),
      register(spanProcessors) {
        const provider = new trace3.TracerProvider({ spanProcessors });
        api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
        api.trace.setGlobalTracerProvider(provider);
        return provider;
      },
    };
  } catch {
    const base = await import('@opentelemetry/sdk-trace-base');
    const { NodeTracerProvider } = await import('@opentelemetry/sdk-trace-node');
    sdk = {
      name: 'sdk-trace-base 2',
      api,
      InMemorySpanExporter: base.InMemorySpanExporter,
      simple: (exporter) => new base.SimpleSpanProcessor(exporter),
      batch: (exporter, options) => new base.BatchSpanProcessor(exporter, options),
      register(spanProcessors) {
        const provider = new NodeTracerProvider({ spanProcessors });
        provider.register(); // global provider + AsyncLocalStorage context manager
        return provider;
      },
    };
  }
  return sdk;
}

/** The environment's SDK, loaded once. */
export const otelSdk = load;

/**
 * Counts and drops what the tracer exported. Drained every few hundred calls outside the timed region, so retained
 * spans do not dominate the heap figures (as in the peer harness).
 */
export class SpanSink {
  constructor(InMemorySpanExporter) {
    this.exporter = new InMemorySpanExporter();
    this.total = 0;
  }
  peek() {
    return this.exporter.getFinishedSpans();
  }
  take() {
    const n = this.exporter.getFinishedSpans().length;
    this.total += n;
    this.exporter.reset();
    return n;
  }
  reset() {
    this.exporter.reset();
    this.total = 0;
  }
}

let registered;
/**
 * A provider with one SimpleSpanProcessor into a sink, registered globally. Registered once per process: when several
 * configurations share a process (callgrind), they share it (a second global provider would be ignored).
 */
export async function registerSink() {
  if (!registered) {
    const otel = await otelSdk();
    const sink = new SpanSink(otel.InMemorySpanExporter);
    const provider = otel.register([otel.simple(sink.exporter)]);
    registered = { sink, provider, flush: () => provider.forceFlush() };
  }
  return registered;
}
