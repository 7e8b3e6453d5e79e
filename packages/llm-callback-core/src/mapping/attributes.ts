import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import { reportFailure } from '../internal/diag.js';

/** Collects attributes, dropping values OpenTelemetry cannot carry (null, NaN, mixed or nested arrays). */
export class AttributeSink {
  readonly values: Attributes = {};
  /** How many attributes were set (a key set twice counts twice). */
  count = 0;

  set(key: string, value: unknown): void {
    const clean = sanitizeAttributeValue(value);
    if (clean !== undefined) {
      this.values[key] = clean;
      this.count++;
    }
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

/**
 * Sets attributes on a span as they are mapped, without collecting them first: an object of twenty-odd keys built
 * per call, then copied key by key into the span, is work the span's own `setAttribute` makes unnecessary.
 */
export class SpanAttributeSink extends AttributeSink {
  constructor(private readonly span: Span) {
    super();
  }

  override set(key: string, value: unknown): void {
    const clean = sanitizeAttributeValue(value);
    if (clean !== undefined) {
      this.span.setAttribute(key, clean);
      this.count++;
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
