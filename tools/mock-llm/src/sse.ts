/** Parsing of SSE text, for tests that read the mock's streams with plain fetch. */

/** One parsed SSE event. */
export interface SseEvent {
  /** The `event:` field, when present. */
  event?: string;
  /** The `data:` payload (multi-line data joined by `\n`). */
  data: string;
}

/** Parses complete SSE text into events; comments and empty events are skipped. */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length > 0)
      events.push(event === undefined ? { data: data.join('\n') } : { event, data: data.join('\n') });
  }
  return events;
}

/**
 * Reads an SSE response body event by event. Each yielded event is complete; the generator ends with the stream and
 * throws if the connection breaks.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut !== -1) {
      yield* parseSse(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
    }
  }
  if (buffer.trim() !== '') yield* parseSse(buffer);
}
