/** Small, deterministic helpers shared by every endpoint: word counting, message text, tool arguments. */

/** A value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The mock's token count: the number of whitespace-separated words. Deterministic so tests can assert usage.
 */
export function countTokens(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** The first `max` words of a text, joined by single spaces. */
export function firstWords(text: string, max: number): string {
  return text.trim().split(/\s+/).filter(Boolean).slice(0, max).join(' ');
}

/**
 * Text of an OpenAI content value: a string, an array of parts (`text`, `input_text`, `output_text`, `refusal`), or
 * null. Non-text parts (images, files, audio) contribute nothing.
 */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const part of content) {
    if (typeof part === 'string') texts.push(part);
    else if (isRecord(part)) {
      if (typeof part.text === 'string') texts.push(part.text);
      else if (typeof part.refusal === 'string') texts.push(part.refusal);
    }
  }
  return texts.join(' ');
}

/** A JSON schema is turned into the smallest value that satisfies its `required` properties. */
export function valueFromSchema(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 6) return {};
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return 'mock';
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const properties = isRecord(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required)
        ? schema.required.filter((key): key is string => typeof key === 'string')
        : [];
      const out: Record<string, unknown> = {};
      for (const key of required) out[key] = valueFromSchema(properties[key], depth + 1);
      return out;
    }
  }
}

/**
 * Splits `text` into exactly `count` pieces on word boundaries (each piece after the first keeps its leading space,
 * like real token deltas). Callers pad the text first so it has at least `count` words.
 */
export function splitWords(text: string, count: number): string[] {
  const words = text.split(' ');
  const pieces: string[] = [];
  const n = Math.max(1, Math.min(count, words.length));
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(words.length / n) + (i < words.length % n ? 1 : 0);
    const group = words.slice(start, start + size).join(' ');
    pieces.push(i === 0 ? group : ` ${group}`);
    start += size;
  }
  return pieces;
}

/** Splits a string into `count` character ranges of near-equal size (for tool-argument fragments). */
export function splitChars(text: string, count: number): string[] {
  const n = Math.max(1, Math.min(count, text.length));
  const pieces: string[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(text.length / n) + (i < text.length % n ? 1 : 0);
    pieces.push(text.slice(start, start + size));
    start += size;
  }
  return pieces;
}
