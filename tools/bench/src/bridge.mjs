// Bridge ingestion throughput: what the LiteLLM bridge (apps/litellm-bridge) does per POST from the proxy's
// generic_api logger, without the HTTP layer. One batch = one `json_array` body of 512 ~4 KB StandardLoggingPayloads
// (LiteLLM's default batch size) → `handler.logStandardLoggingPayload(body)` (default options: secret rules on, full
// content) → BatchSpanProcessor → exported to an in-memory receiver, flushed at the end of every batch so its export is
// counted with it. The body is built before the measured region; one process, one thread. Methods: timing (CPU time per
// batch), profile, and callgrind (one batch per phase: instructions, and simulated cache misses with --cache-sim).
//
// Configurations:
//   parse-only       JSON.parse of the body, nothing else (reference: the part any bridge pays)
//   agentops         text body → spans → receiver that counts spans
//   agentops-otlp    the same, the receiver gets OTLP protobuf bytes (ProtobufTraceSerializer), as a real exporter sends
//   agentops-objects the payloads already parsed (array of objects) → spans → counting receiver
//   floor-same-data  JSON.parse, then per payload one span with exactly the attributes ours records for it (a template
//                    taken from one payload through our handler, copied per payload), its start and end time read
//                    from the payload → the same batch processor and receiver: what parsing plus OpenTelemetry cost
//                    for our data, with no mapping and no redaction
import { jsonArrayBody, PAYLOAD_BYTES } from './litellm-workload.mjs';
import { otelSdk } from './otel-env.mjs';

export const BATCH = 512;

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

class Receiver {
  constructor(serialize) {
    this.serialize = serialize;
    this.spans = 0;
    this.bytes = 0;
    this.exports = 0;
  }
  export(spans, done) {
    this.exports++;
    this.spans += spans.length;
    if (this.serialize) this.bytes += this.serialize(spans)?.length ?? 0;
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
  forceFlush() {
    return Promise.resolve();
  }
}

async function setup(config) {
  if (config === 'parse-only') {
    return {
      prepare: () => jsonArrayBody(BATCH),
      ingest: (body) => JSON.parse(body).length,
      flush: async () => {},
      stats: () => undefined,
      note: 'JSON.parse of the json_array body only',
      reference: 'parse',
    };
  }
  const otel = await otelSdk();
  if (config === 'floor-same-data') return sameDataFloor(otel);
  let serialize;
  if (config === 'agentops-otlp') {
    const { ProtobufTraceSerializer } = await import('@opentelemetry/otlp-transformer');
    serialize = (spans) => ProtobufTraceSerializer.serializeRequest(spans);
  }
  const receiver = new Receiver(serialize);
  const provider = otel.register([
    otel.batch(receiver, { maxExportBatchSize: BATCH, maxQueueSize: 8 * BATCH, scheduledDelayMillis: 1000 }),
  ]);
  const { AgentOpsLiteLLMHandler } = await import('@agentops/litellm');
  const { coreState } = await import('./ours.mjs');
  const handler = new AgentOpsLiteLLMHandler({});
  const objects = config === 'agentops-objects';
  return {
    prepare: () => (objects ? JSON.parse(jsonArrayBody(BATCH)) : jsonArrayBody(BATCH)),
    ingest(body) {
      const summary = handler.logStandardLoggingPayload(body);
      if (summary.accepted !== BATCH) throw new Error(`accepted ${summary.accepted}/${BATCH}: ${summary.errors[0]}`);
      return summary.accepted;
    },
    flush: () => provider.forceFlush(),
    receiver,
    stats: () => ({ ...coreState(), handler: handler.stats() }),
    note: {
      agentops: 'json_array text → logStandardLoggingPayload → BatchSpanProcessor → counting receiver',
      'agentops-otlp': 'json_array text → logStandardLoggingPayload → BatchSpanProcessor → OTLP protobuf bytes',
      'agentops-objects': 'parsed payload objects → logStandardLoggingPayload → BatchSpanProcessor → counting receiver',
    }[config],
  };
}

/** The attributes of the span our handler records for one payload, split into start (sampler) and end attributes. */
async function payloadTemplate() {
  const { TracerProvider, SimpleSpanProcessor, InMemorySpanExporter } = await import('@opentelemetry/sdk-trace');
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const { AgentOpsLiteLLMHandler } = await import('@agentops/litellm');
  const handler = new AgentOpsLiteLLMHandler({ tracerProvider });
  handler.logStandardLoggingPayload(jsonArrayBody(1));
  await tracerProvider.forceFlush();
  const span = exporter.getFinishedSpans().find((s) => s.attributes['agentops.span.kind'] === 'llm');
  if (!span) throw new Error('same-data floor: our handler recorded no LLM span');
  const start = {};
  const end = {};
  for (const [key, value] of Object.entries(span.attributes)) (START_KEYS.has(key) ? start : end)[key] = value;
  await tracerProvider.shutdown();
  return { name: span.name, start, end, count: Object.keys(span.attributes).length };
}

const START_KEYS = new Set([
  'agentops.span.kind',
  'gen_ai.operation.name',
  'gen_ai.request.model',
  'gen_ai.provider.name',
]);

function copyAttributes(template) {
  const out = {};
  for (const key in template) out[key] = template[key];
  return out;
}

async function sameDataFloor(otel) {
  const template = await payloadTemplate();
  const receiver = new Receiver();
  const provider = otel.register([
    otel.batch(receiver, { maxExportBatchSize: BATCH, maxQueueSize: 8 * BATCH, scheduledDelayMillis: 1000 }),
  ]);
  const { trace, SpanKind } = otel.api;
  const tracer = trace.getTracer('bench-floor', '0.0.0');
  return {
    prepare: () => jsonArrayBody(BATCH),
    ingest(body) {
      const payloads = JSON.parse(body);
      for (const payload of payloads) {
        const span = tracer.startSpan(template.name, {
          kind: SpanKind.CLIENT,
          attributes: copyAttributes(template.start),
          startTime: payload.startTime * 1000,
        });
        span.setAttributes(copyAttributes(template.end));
        span.end(payload.endTime * 1000);
      }
      return payloads.length;
    },
    flush: () => provider.forceFlush(),
    receiver,
    stats: () => undefined,
    note: `json_array text → JSON.parse → per payload 1 span with our ${template.count} attributes (copied) → BatchSpanProcessor → counting receiver`,
    reference: 'floor',
  };
}

/** Runs the bridge modes for one configuration; `tools` carries the worker's marker() (callgrind) and profiler. */
export async function runBridge(spec, tools) {
  const s = await setup(spec.config);
  const modes = [];
  const batch = async (body) => {
    const n = s.ingest(body);
    await s.flush();
    return n;
  };
  for (const mode of spec.modes) {
    try {
      for (let i = 0; i < mode.warmup; i++) await batch(s.prepare());
      const out = { mode: mode.name, payload_bytes: PAYLOAD_BYTES, batch: BATCH };
      if (spec.method === 'timing') {
        const perBatchCpu = [];
        let payloads = 0;
        let cpu = 0;
        let wall = 0;
        const spans0 = s.receiver?.spans ?? 0;
        const bytes0 = s.receiver?.bytes ?? 0;
        const t0 = Date.now();
        while (perBatchCpu.length < mode.batches || Date.now() - t0 < (mode.minMs ?? 0)) {
          const body = s.prepare();
          const c0 = cpuMicros();
          const w0 = process.hrtime.bigint();
          payloads += await batch(body);
          const w = Number(process.hrtime.bigint() - w0);
          const c = cpuMicros() - c0;
          perBatchCpu.push(c);
          cpu += c;
          wall += w / 1000;
        }
        const sorted = [...perBatchCpu].sort((a, b) => a - b);
        const per = (us) => (BATCH / us) * 1e6;
        Object.assign(out, {
          n: payloads,
          batches: perBatchCpu.length,
          payloads_per_cpu_s: (payloads / cpu) * 1e6,
          payloads_per_wall_s: (payloads / wall) * 1e6,
          batch_median_payloads_per_cpu_s: per(sorted[Math.floor(sorted.length / 2)]),
          batch_best_payloads_per_cpu_s: per(sorted[0]),
          batch_worst_payloads_per_cpu_s: per(sorted[sorted.length - 1]),
          cpu_us_per_payload: cpu / payloads,
          exported_spans: s.receiver ? s.receiver.spans - spans0 : undefined,
          exported_bytes: s.receiver ? s.receiver.bytes - bytes0 : undefined,
        });
      } else if (spec.method === 'callgrind') {
        // One batch per phase between two markers (the body built before the first): instructions and, with
        // --cache-sim, simulated cache misses per payload. No forced GCs: here they made V8 discard our optimized
        // code at the next full GC (`--trace-deopt`: "embedded weak objects cleared", 25 functions at a time) and
        // re-tier it inside the phases; GC runs where the batch's own allocation triggers it, as in the timing.
        for (let p = 0; p < mode.phases; p++) {
          const body = s.prepare();
          tools.marker('gap');
          await batch(body);
          tools.marker(`${spec.config}|${mode.name}|${p}`);
        }
        Object.assign(out, { n: BATCH, phases: mode.phases });
      } else if (spec.method === 'profile') {
        Object.assign(
          out,
          await tools.profiled(mode, async () => {
            let n = 0;
            const t0 = Date.now();
            while (n < mode.n || Date.now() - t0 < (mode.minMs ?? 0)) n += await batch(s.prepare());
            return n;
          }),
        );
      } else throw new Error(`method ${spec.method} not supported for the bridge`);
      modes.push(out);
    } catch (err) {
      modes.push({ mode: mode.name, error: String(err?.stack ?? err).slice(0, 800) });
    }
  }
  return { modes, note: s.note, reference: s.reference ?? false, final_state: s.stats() };
}
