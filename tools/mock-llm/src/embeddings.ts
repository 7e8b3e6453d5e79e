/** POST /v1/embeddings: deterministic unit vectors derived from a hash of each input. */
import { countTokens } from './text.ts';

/** FNV-1a, 32 bit: a stable seed per input text. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The mock's embedding of `text`: `dimensions` floats of unit length, the same on every call. */
export function embedText(text: string, dimensions: number): number[] {
  let state = hash(text) || 1;
  const values: number[] = [];
  for (let i = 0; i < dimensions; i++) {
    // xorshift32: cheap, deterministic, spread over [-1, 1).
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    values.push(state / 0x80000000 - 1);
  }
  const norm = Math.hypot(...values) || 1;
  // Rounded through float32 so that float and base64 answers carry the same numbers.
  return values.map((v) => Math.fround(v / norm));
}

function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Builds the embeddings answer, or returns an error message for an input the real API would reject. */
export function embeddingsResponse(
  body: Record<string, unknown>,
  defaultDimensions: number,
): Record<string, unknown> | string {
  if (typeof body.model !== 'string' || body.model === '') return "Missing required parameter: 'model'.";
  const raw = body.input;
  let inputs: Array<{ text: string; tokens: number }>;
  if (typeof raw === 'string') inputs = [{ text: raw, tokens: countTokens(raw) }];
  else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'string')) {
    inputs = raw.map((text: string) => ({ text, tokens: countTokens(text) }));
  } else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === 'number')) {
    inputs = [{ text: raw.join(','), tokens: raw.length }];
  } else if (Array.isArray(raw) && raw.length > 0 && raw.every((x) => Array.isArray(x))) {
    inputs = raw.map((ids: unknown[]) => ({ text: ids.join(','), tokens: ids.length }));
  } else return "Invalid 'input': expected a string, an array of strings or an array of token arrays.";
  const dimensions =
    typeof body.dimensions === 'number' && Number.isInteger(body.dimensions) && body.dimensions > 0
      ? body.dimensions
      : defaultDimensions;
  const base64 = body.encoding_format === 'base64';
  const tokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = embedText(input.text, dimensions);
      return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
    }),
    model: body.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
