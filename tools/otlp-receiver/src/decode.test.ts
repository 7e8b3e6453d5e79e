import { describe, expect, it } from 'vitest';
import { anyValue, idToHex, spansFromRequest } from './decode.ts';
import { exportMethod } from './protos.ts';

describe('anyValue', () => {
  it('follows the oneof discriminator of proto-loader objects, not the defaulted siblings', () => {
    const defaults = { stringValue: '', boolValue: false, intValue: '0', doubleValue: 0, bytesValue: Buffer.alloc(0) };
    expect(anyValue({ ...defaults, intValue: '12', value: 'intValue' })).toBe(12);
    expect(anyValue({ ...defaults, boolValue: false, value: 'boolValue' })).toBe(false);
    expect(anyValue({ ...defaults, bytesValue: Buffer.from('hi'), value: 'bytesValue' })).toBe('aGk=');
    expect(anyValue({ ...defaults, value: 'arrayValue', arrayValue: { values: [{ doubleValue: 2.5 }] } })).toEqual([
      2.5,
    ]);
    expect(anyValue(undefined)).toBeNull();
  });
});

describe('idToHex', () => {
  it('accepts bytes, hex and base64', () => {
    expect(idToHex(Buffer.from('0102030405060708', 'hex'))).toBe('0102030405060708');
    expect(idToHex('ABCDEF0123456789')).toBe('abcdef0123456789');
    expect(idToHex(Buffer.from('0102030405060708', 'hex').toString('base64'))).toBe('0102030405060708');
    expect(idToHex('')).toBe('');
  });
});

describe('spansFromRequest', () => {
  it('reads instrumentationLibrarySpans only when scopeSpans is empty', () => {
    const span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 's' };
    const both = {
      resourceSpans: [
        {
          scopeSpans: [{ scope: { name: 'new' }, spans: [span] }],
          instrumentationLibrarySpans: [{ instrumentationLibrary: { name: 'old' }, spans: [span] }],
        },
      ],
    };
    expect(spansFromRequest(both).map((s) => s.scopeName)).toEqual(['new']);
    const legacy = {
      resourceSpans: [{ instrumentationLibrarySpans: both.resourceSpans[0]?.instrumentationLibrarySpans }],
    };
    expect(spansFromRequest(legacy).map((s) => s.scopeName)).toEqual(['old']);
    expect(spansFromRequest('nonsense')).toEqual([]);
  });

  it('decodes protobuf bytes through the vendored protos', () => {
    const method = exportMethod();
    // Round trip: encode with the same definition, then decode as the HTTP receiver does.
    const request = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
          scopeSpans: [
            {
              scope: { name: 'scope', version: '1' },
              spans: [
                {
                  traceId: Buffer.alloc(16, 1),
                  spanId: Buffer.alloc(8, 2),
                  name: 'encoded',
                  kind: 'SPAN_KIND_SERVER',
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000500000000',
                  attributes: [{ key: 'n', value: { intValue: '5' } }],
                  status: { code: 'STATUS_CODE_OK' },
                },
              ],
            },
          ],
        },
      ],
    };
    const bytes = method.requestSerialize(request);
    const [span] = spansFromRequest(method.requestDeserialize(bytes));
    expect(span).toMatchObject({
      traceId: '01'.repeat(16),
      spanId: '02'.repeat(8),
      parentSpanId: '',
      name: 'encoded',
      kind: 'SPAN_KIND_SERVER',
      startTimeUnixNano: '1700000000000000000',
      attributes: { n: 5 },
      status: { code: 'STATUS_CODE_OK', message: '' },
      resourceAttributes: { 'service.name': 'svc' },
      scopeName: 'scope',
      scopeVersion: '1',
    });
  });
});
