import { describe, expect, it } from 'vitest';
import { v2Generate, v3Generate, v4Generate } from './__fixtures__/model-results.js';
import {
  formatWarning,
  formatWarnings,
  mapFileData,
  modalityOf,
  normalizeFinishReason,
  normalizeUsage,
} from './normalize.js';

describe('normalizeFinishReason', () => {
  it('reads V2 strings and V3/V4 {unified, raw}', () => {
    expect(normalizeFinishReason(v2Generate.finishReason)).toEqual({ unified: 'tool-calls' });
    expect(normalizeFinishReason(v3Generate.finishReason)).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
    expect(normalizeFinishReason({ unified: 'interrupted', raw: undefined })).toEqual({ unified: 'interrupted' });
  });

  it('maps the V2-only `unknown` to `other`, keeping it as raw', () => {
    expect(normalizeFinishReason('unknown')).toEqual({ unified: 'other', raw: 'unknown' });
  });

  it('returns nothing for unreadable values', () => {
    expect(normalizeFinishReason(undefined)).toEqual({});
    expect(normalizeFinishReason({ unified: true })).toEqual({});
  });
});

describe('normalizeUsage', () => {
  it('reads the flat V2 usage', () => {
    expect(normalizeUsage(v2Generate.usage)).toEqual({
      inputTokens: 10,
      outputTokens: 7,
      totalTokens: 17,
      cacheReadInputTokens: 4,
      reasoningTokens: 3,
    });
  });

  it('reads the nested V3/V4 usage and computes the total it lacks', () => {
    const expected = {
      inputTokens: 10,
      outputTokens: 7,
      totalTokens: 17,
      cacheReadInputTokens: 4,
      cacheCreationInputTokens: 2,
      reasoningTokens: 3,
    };
    expect(normalizeUsage(v3Generate.usage)).toEqual(expected);
    expect(normalizeUsage(v4Generate.usage)).toEqual(expected);
  });

  it('reports missing usage as missing, not zero', () => {
    expect(normalizeUsage({ inputTokens: undefined, outputTokens: undefined, totalTokens: undefined })).toBeUndefined();
    expect(
      normalizeUsage({
        inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: undefined, text: undefined, reasoning: undefined },
      }),
    ).toBeUndefined();
    expect(normalizeUsage({ inputTokens: Number.NaN, outputTokens: 3 })).toEqual({ outputTokens: 3 });
  });
});

describe('formatWarning', () => {
  it('formats every version’s warning kinds', () => {
    expect(formatWarnings(v2Generate.warnings)).toEqual(['unsupported-setting: topK']);
    expect(formatWarnings(v3Generate.warnings)).toEqual(['unsupported: topK']);
    expect(formatWarnings(v4Generate.warnings)).toEqual(['deprecated: topK: use reasoning']);
    expect(formatWarning({ type: 'unsupported-tool', tool: { type: 'function', name: 'search' }, details: 'no' })).toBe(
      'unsupported-tool: search: no',
    );
    expect(formatWarning({ type: 'compatibility', feature: 'v2 model' })).toBe('compatibility: v2 model');
    expect(formatWarning({ type: 'other', message: 'careful' })).toBe('other: careful');
  });

  it('drops unreadable warnings', () => {
    expect(formatWarnings([null, 3, {}])).toBeUndefined();
    expect(formatWarnings('nope')).toBeUndefined();
  });
});

describe('mapFileData', () => {
  it('reads V2/V3 bare data: bytes, base64 strings and URLs', () => {
    expect(mapFileData(new Uint8Array([104, 105]), 'image/png')).toEqual({
      type: 'blob',
      modality: 'image',
      mimeType: 'image/png',
      content: new Uint8Array([104, 105]),
    });
    expect(mapFileData('aGk=', 'audio/wav')).toEqual({
      type: 'blob',
      modality: 'audio',
      mimeType: 'audio/wav',
      content: 'aGk=',
    });
    expect(mapFileData(new URL('https://x.test/a.pdf'), 'application/pdf')).toEqual({
      type: 'uri',
      modality: 'application',
      mimeType: 'application/pdf',
      uri: 'https://x.test/a.pdf',
    });
  });

  it('reads V4 tagged data, including a bare top-level media type', () => {
    expect(mapFileData({ type: 'data', data: 'aGk=' }, 'image')).toEqual({
      type: 'blob',
      modality: 'image',
      content: 'aGk=',
    });
    expect(mapFileData({ type: 'url', url: new URL('https://x.test/v.mp4') }, 'video/mp4')).toMatchObject({
      type: 'uri',
      uri: 'https://x.test/v.mp4',
    });
    expect(mapFileData({ type: 'reference', reference: { openai: 'file-1' } }, 'application/pdf')).toEqual({
      type: 'file',
      modality: 'application',
      mimeType: 'application/pdf',
      fileId: 'file-1',
    });
    expect(mapFileData({ type: 'text', text: 'inline' }, 'text/plain')).toEqual({ type: 'text', content: 'inline' });
  });

  it('hands bytes to the core unencoded: the core encodes them only if content is recorded', () => {
    const big = new Uint8Array(1_000_000);
    expect(mapFileData(big, 'image/png')).toMatchObject({ type: 'blob', content: big });
    expect(mapFileData(new Uint8Array([1, 2]).buffer, 'audio/wav')).toEqual({
      type: 'blob',
      modality: 'audio',
      mimeType: 'audio/wav',
      content: new Uint8Array([1, 2]),
    });
    expect(mapFileData({ type: 'data', data: big }, 'image')).toMatchObject({ type: 'blob', content: big });
  });

  it('reads bare provider references (ModelMessage file and image parts)', () => {
    expect(mapFileData({ openai: 'file-9' }, 'application/pdf')).toEqual({
      type: 'file',
      modality: 'application',
      mimeType: 'application/pdf',
      fileId: 'file-9',
    });
  });

  it('does not follow nested tagged data', () => {
    const loop: Record<string, unknown> = { type: 'data' };
    loop.data = loop;
    expect(mapFileData(loop, 'image/png')).toBeUndefined();
  });

  it('drops what it cannot read', () => {
    expect(mapFileData({ type: 'url', url: 5 }, 'image/png')).toBeUndefined();
    expect(mapFileData(null, undefined)).toBeUndefined();
  });
});

describe('helpers', () => {
  it('modalityOf takes the top-level type', () => {
    expect(modalityOf('image/jpeg')).toBe('image');
    expect(modalityOf('audio')).toBe('audio');
    expect(modalityOf(undefined)).toBe('file');
  });
});
