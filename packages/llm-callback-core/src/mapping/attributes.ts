import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { reportFailure } from '../internal/diag.js';

/** Collects attributes, dropping values OpenTelemetry cannot carry (null, NaN, mixed or nested arrays). */
export class AttributeSink {
  readonly values: Attributes = {};

  set(key: string, value: unknown): void {
    const clean = sanitizeAttributeValue(value);
    if (clean !== undefined) this.values[key] = clean;
  }

  /** Runs one group of mappings; if it fails, only that group's remaining attributes are lost. */
  group(name: string, map: () => void): void {
    try {
      map();
    } catch (error) {
      reportFailure(`mapping ${name}`, error);
    }
  }
}

export function sanitizeAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : undefined;
    case 'object': {
      if (!Array.isArray(value) || value.length === 0) return undefined;
      const kind = typeof value[0];
      if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') return undefined;
      for (const item of value)
        if (typeof item !== kind || (kind === 'number' && !Number.isFinite(item))) return undefined;
      return value as AttributeValue;
    }
    default:
      return undefined;
  }
}
