// Deterministic in-process fake models, the same workload as the peer harness
// (/work/shared/bench/peers/fakes.mjs): a 200-word completion, usage 24 in / 200 out, streamed as two-word chunks.
// One generalisation: the stream length is switchable at run time (setStreamChunks), so 100- and 1,000-chunk streams
// run in one process and the per-chunk cost is the difference. With 100 chunks the output is identical to the peers'
// (run.mjs checks it against their file). The module has no static imports: frameworks are imported lazily, relative
// to where this file sits, so the same file serves the repo (our packages) and the peer cache (their packages).

const WORDS = [
  'the',
  'quick',
  'brown',
  'fox',
  'jumps',
  'over',
  'a',
  'lazy',
  'dog',
  'while',
  'tracing',
  'spans',
  'record',
  'every',
  'model',
  'call',
  'with',
  'usage',
  'and',
  'timing',
];

const wordAt = (i) => WORDS[(i * 7) % WORDS.length];

/** 200 whitespace-separated words (~200 tokens): the generate completion. */
export const WORD_COUNT = 200;
export const COMPLETION_WORDS = Array.from({ length: WORD_COUNT }, (_, i) => wordAt(i));
export const COMPLETION_TEXT = COMPLETION_WORDS.join(' ');

/** `n` stream chunks of two words each; chunk i is words 2i and 2i+1 (the first without a leading space). */
export function streamChunks(n) {
  return Array.from({ length: n }, (_, i) => `${i === 0 ? '' : ' '}${wordAt(2 * i)} ${wordAt(2 * i + 1)}`);
}
const chunkSets = new Map([[100, streamChunks(100)]]);
/** The 100-chunk stream, as in the peer harness. */
export const STREAM_CHUNKS = chunkSets.get(100);
if (STREAM_CHUNKS.join('') !== COMPLETION_TEXT) throw new Error('chunking bug');

let currentChunks = STREAM_CHUNKS;
/** Chooses how many chunks the fake models stream from now on (100 by default). */
export function setStreamChunks(n) {
  if (!chunkSets.has(n)) chunkSets.set(n, streamChunks(n));
  currentChunks = chunkSets.get(n);
}
export function currentStreamChunks() {
  return currentChunks.length;
}

export const MODEL_ID = 'fake-bench-1';
export const PROVIDER = 'fake-provider';
/** Usage reported for every call, whatever the stream length (the peers' callers check for 200). */
export const USAGE = { input: 24, output: 200 };
export const SYSTEM_PROMPT = 'You are a terse assistant used for tracing benchmarks.';
export const USER_PROMPT = 'Describe, in about two hundred words, what an LLM tracer records for each call.';
export const CALL_PARAMS = { temperature: 0.2, maxOutputTokens: 256 };

let calls = 0;
/**
 * What ends one call's completion: the call's number. Real completions differ from call to call; with the same text
 * every call, a tracer that remembers texts it has seen (our redactor skips the secret scan of a text it found clean
 * twice) would skip work that it does on real traffic. Every row's fake model (the peers' too) gets it.
 */
export function callSuffix() {
  calls += 1;
  return ` (${calls})`;
}

/** The generate completion of one call: the fixed text and the call's number. */
export function freshCompletion() {
  return COMPLETION_TEXT + callSuffix();
}

// ---------------------------------------------------------------- AI SDK ---
function v4Usage() {
  return {
    inputTokens: { total: USAGE.input, noCache: USAGE.input, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: USAGE.output, text: USAGE.output, reasoning: undefined },
  };
}

/** A hand-written LanguageModelV4 (MockLanguageModelV4 keeps every call's options, which would grow the heap). */
export function createAiSdkFakeModel() {
  return {
    specificationVersion: 'v4',
    provider: PROVIDER,
    modelId: MODEL_ID,
    supportedUrls: {},
    async doGenerate() {
      return {
        content: [{ type: 'text', text: freshCompletion() }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: v4Usage(),
        response: { id: 'resp-fake', modelId: MODEL_ID, timestamp: new Date(0) },
        warnings: [],
      };
    },
    async doStream() {
      const chunks = currentChunks;
      const last = chunks.length - 1;
      const suffix = callSuffix();
      let i = -1;
      const stream = new ReadableStream({
        pull(controller) {
          if (i === -1) {
            controller.enqueue({ type: 'stream-start', warnings: [] });
            controller.enqueue({
              type: 'response-metadata',
              id: 'resp-fake',
              modelId: MODEL_ID,
              timestamp: new Date(0),
            });
            controller.enqueue({ type: 'text-start', id: 't0' });
          } else if (i < chunks.length) {
            controller.enqueue({ type: 'text-delta', id: 't0', delta: i === last ? chunks[i] + suffix : chunks[i] });
          } else {
            controller.enqueue({ type: 'text-end', id: 't0' });
            controller.enqueue({ type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: v4Usage() });
            controller.close();
          }
          i++;
        },
      });
      return { stream };
    },
  };
}

/** ai@7 rejects system messages inside `messages`; the system prompt goes in `instructions`. */
export const AI_SDK_PROMPT = {
  instructions: SYSTEM_PROMPT,
  messages: [{ role: 'user', content: USER_PROMPT }],
};

// ------------------------------------------------------------- LangChain ---
/** A small BaseChatModel: `_generate` for invoke, `_streamResponseChunks` (with handleLLMNewToken per chunk) for stream. */
export async function createLangChainFakeModel() {
  const { BaseChatModel } = await import('@langchain/core/language_models/chat_models');
  const { AIMessage, AIMessageChunk } = await import('@langchain/core/messages');
  const { ChatGenerationChunk } = await import('@langchain/core/outputs');

  const usageMetadata = () => ({
    input_tokens: USAGE.input,
    output_tokens: USAGE.output,
    total_tokens: USAGE.input + USAGE.output,
  });

  class FakeBenchChatModel extends BaseChatModel {
    static lc_name() {
      return 'FakeBenchChatModel';
    }
    constructor() {
      super({});
      this.model = MODEL_ID;
      this.temperature = CALL_PARAMS.temperature;
      this.maxTokens = CALL_PARAMS.maxOutputTokens;
    }
    _llmType() {
      return 'fake-bench';
    }
    invocationParams() {
      return { model: MODEL_ID, temperature: this.temperature, max_tokens: this.maxTokens };
    }
    async _generate() {
      const text = freshCompletion();
      const message = new AIMessage({
        content: text,
        id: 'resp-fake',
        usage_metadata: usageMetadata(),
        response_metadata: { model_name: MODEL_ID, finish_reason: 'stop' },
      });
      return {
        generations: [{ text, message, generationInfo: { finish_reason: 'stop' } }],
        llmOutput: {
          tokenUsage: {
            promptTokens: USAGE.input,
            completionTokens: USAGE.output,
            totalTokens: USAGE.input + USAGE.output,
          },
        },
      };
    }
    async *_streamResponseChunks(_messages, _options, runManager) {
      const chunks = currentChunks;
      const suffix = callSuffix();
      for (let i = 0; i < chunks.length; i++) {
        const text = i === chunks.length - 1 ? chunks[i] + suffix : chunks[i];
        const chunk = new ChatGenerationChunk({
          text,
          message: new AIMessageChunk({ content: text, id: 'resp-fake' }),
        });
        yield chunk;
        await runManager?.handleLLMNewToken(text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, {
          chunk,
        });
      }
      yield new ChatGenerationChunk({
        text: '',
        message: new AIMessageChunk({
          content: '',
          id: 'resp-fake',
          usage_metadata: usageMetadata(),
          response_metadata: { model_name: MODEL_ID, finish_reason: 'stop' },
        }),
        generationInfo: { finish_reason: 'stop' },
      });
    }
  }
  return new FakeBenchChatModel();
}

export async function langChainMessages() {
  const { SystemMessage, HumanMessage } = await import('@langchain/core/messages');
  return [new SystemMessage(SYSTEM_PROMPT), new HumanMessage(USER_PROMPT)];
}
