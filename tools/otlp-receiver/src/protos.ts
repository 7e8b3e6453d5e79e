/** Loads the vendored OTLP protos once (proto-loader, which decodes with protobufjs). */

import { fileURLToPath } from 'node:url';
import type { MethodDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

/** Folder of the vendored `opentelemetry/proto/**` files. */
export const PROTOS_DIR = fileURLToPath(new URL('../protos', import.meta.url));

/** Options the brief fixes for decoding: camelCase fields, 64-bit ints as strings, enums as names, oneof names. */
export const DECODE_OPTIONS = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true } as const;

/** gRPC path of the trace Export method. */
export const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

let cached: MethodDefinition<unknown, unknown> | undefined;

function isMethod(value: unknown): value is MethodDefinition<unknown, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    'requestDeserialize' in value &&
    'responseSerialize' in value &&
    'path' in value
  );
}

/**
 * The TraceService/Export method definition: `requestDeserialize` turns ExportTraceServiceRequest bytes into the
 * decoded object, `responseSerialize` encodes an ExportTraceServiceResponse. Used by both the gRPC and HTTP receivers.
 */
export function exportMethod(): MethodDefinition<unknown, unknown> {
  if (cached) return cached;
  const definition = loadSync('opentelemetry/proto/collector/trace/v1/trace_service.proto', {
    ...DECODE_OPTIONS,
    includeDirs: [PROTOS_DIR],
  });
  const service = definition['opentelemetry.proto.collector.trace.v1.TraceService'];
  const method = service && 'Export' in service ? service.Export : undefined;
  if (!isMethod(method) || method.path !== EXPORT_PATH) throw new Error('otlp-receiver: TraceService/Export not found');
  cached = method;
  return method;
}
