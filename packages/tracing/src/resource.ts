import type { Attributes } from '@opentelemetry/api';
import {
  defaultResource,
  detectResources,
  envDetector,
  type Resource,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import { SDK_NAME, SDK_VERSION } from './version.js';

/** What goes into the resource of the provider `init()` creates. */
export interface ResourceOptions {
  /** `service.name`. @default `OTEL_SERVICE_NAME`, else `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, else `unknown_service:node` */
  serviceName?: string;
  /** Extra resource attributes (they win over `OTEL_RESOURCE_ATTRIBUTES`). */
  resourceAttributes?: Attributes;
}

/**
 * `telemetry.sdk.*` and the default `service.name`, then `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME`, then
 * `agentops.sdk.name` / `agentops.sdk.version`, then the options (later ones win).
 */
export function buildResource(options: ResourceOptions = {}): Resource {
  const ours: Attributes = {
    'agentops.sdk.name': SDK_NAME,
    'agentops.sdk.version': SDK_VERSION,
    ...options.resourceAttributes,
  };
  if (options.serviceName !== undefined && options.serviceName !== '') ours['service.name'] = options.serviceName;
  return defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes(ours));
}
