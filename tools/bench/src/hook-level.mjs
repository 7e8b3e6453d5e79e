// Hook-level calls: the tracer's hook driven with the exact payloads a real call gives it, without the rest of the
// framework. Under callgrind this removes the framework's own instructions (the AI SDK's generateText alone is ~0.7 M
// per call, ~220 k per stream chunk), so that a tracer's own work — the difference to the no-op hook — is not lost in
// the phases' noise.
//
//   AI SDK:    the payloads of one real generateText / streamText call are captured (a transformParams that keeps the
//              call options); each hook-level call hands a fresh copy of them to `wrapLanguageModel({ model,
//              middleware })`'s doGenerate / doStream (the SDK's own wrapping layer) and reads the stream to the end.
//   LangChain: the callback payloads of one real invoke / stream are captured; each hook-level call replays them
//              through a CallbackManager configured with the handlers (LangChain's own dispatch): chat model start,
//              one handleLLMNewToken per chunk, LLM end, and waits for the background queue.
import {
  AI_SDK_PROMPT,
  CALL_PARAMS,
  callSuffix,
  createAiSdkFakeModel,
  createLangChainFakeModel,
  currentStreamChunks,
  langChainMessages,
  setStreamChunks,
  streamChunks,
} from './fakes.mjs';

let aiSdkCapture;

async function captureAiSdkPayloads() {
  if (aiSdkCapture) return aiSdkCapture;
  const ai = await import('ai');
  const captured = {};
  const capturing = {
    specificationVersion: 'v4',
    async transformParams({ params, type }) {
      captured[type] = params;
      return params;
    },
  };
  const model = ai.wrapLanguageModel({ model: createAiSdkFakeModel(), middleware: capturing });
  const base = { model, ...AI_SDK_PROMPT, ...CALL_PARAMS, maxRetries: 0 };
  await ai.generateText(base);
  const r = ai.streamText(base);
  for await (const _ of r.textStream);
  await r.usage;
  if (!captured.generate || !captured.stream) throw new Error('could not capture the AI SDK call options');
  aiSdkCapture = captured;
  return captured;
}

/** The SDK builds fresh call options (and a fresh prompt array) for every call: so do we. */
const freshParams = (params) => ({ ...params, prompt: [...params.prompt] });

/** Hook-level callers for an AI SDK middleware (`undefined`: the bare model, the untraced hook level). */
export async function aiSdkHookCallers(middleware) {
  const ai = await import('ai');
  const captured = await captureAiSdkPayloads();
  const fake = createAiSdkFakeModel();
  const model = middleware ? ai.wrapLanguageModel({ model: fake, middleware }) : fake;
  return {
    async generate() {
      const result = await model.doGenerate(freshParams(captured.generate));
      if (result.content[0].text.length < 100) throw new Error('bad hook-level generate result');
    },
    async stream() {
      const { stream } = await model.doStream(freshParams(captured.stream));
      const reader = stream.getReader();
      let parts = 0;
      while (!(await reader.read()).done) parts++;
      if (parts < 100) throw new Error('bad hook-level stream');
    },
    async chunks(total, every, boundary) {
      setStreamChunks(total);
      const { stream } = await model.doStream(freshParams(captured.stream));
      const reader = stream.getReader();
      let k = 0;
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        if (r.value.type === 'text-delta' && ++k % every === 0) boundary(k / every);
      }
    },
  };
}

let langChainCapture;

async function captureLangChainPayloads() {
  if (langChainCapture) return langChainCapture;
  const { BaseCallbackHandler } = await import('@langchain/core/callbacks/base');
  const captured = {};
  let mode = 'generate';
  class Capture extends BaseCallbackHandler {
    name = 'bench-capture';
    handleChatModelStart(llm, messages, _runId, _parentRunId, extraParams) {
      captured[mode] = { llm, messages: messages[0], extraParams };
    }
    handleLLMEnd(output) {
      captured[mode].output = output;
    }
  }
  const handler = new Capture({ _awaitHandler: true });
  const model = await createLangChainFakeModel();
  const messages = await langChainMessages();
  await model.invoke(messages, { callbacks: [handler] });
  mode = 'stream';
  for await (const _ of await model.stream(messages, { callbacks: [handler] }));
  if (!captured.generate?.output || !captured.stream?.output)
    throw new Error('could not capture the LangChain callbacks');
  langChainCapture = captured;
  return captured;
}

const chunkObjects = new Map();
async function tokenChunks(n) {
  if (!chunkObjects.has(n)) {
    const { AIMessageChunk } = await import('@langchain/core/messages');
    const { ChatGenerationChunk } = await import('@langchain/core/outputs');
    chunkObjects.set(
      n,
      streamChunks(n).map((text) => ({
        text,
        chunk: new ChatGenerationChunk({ text, message: new AIMessageChunk({ content: text, id: 'resp-fake' }) }),
      })),
    );
  }
  return chunkObjects.get(n);
}

/**
 * The captured `LLMResult` with this call's own completion (see `callSuffix` in fakes.mjs): its message rebuilt by its
 * own class (`AIMessage`, `AIMessageChunk` for streams) and likewise its generation, as the model's `_generate` or
 * LangChain's stream aggregation make them, so that every replay ends with a text no call had before. Every row,
 * the no-op handlers too, pays for the construction.
 */
function withFreshCompletion(output) {
  const [[generation]] = output.generations;
  const { message } = generation;
  const suffix = callSuffix();
  const freshMessage = new message.constructor({ ...message.lc_kwargs, content: message.content + suffix });
  const fields = { text: generation.text + suffix, message: freshMessage, generationInfo: generation.generationInfo };
  const fresh = generation.constructor === Object ? fields : new generation.constructor(fields);
  return { ...output, generations: [[fresh]] };
}

/** Hook-level callers for LangChain callbacks: the captured callbacks replayed through LangChain's CallbackManager. */
export async function langChainHookCallers(callbacks, queueIdle) {
  const { CallbackManager } = await import('@langchain/core/callbacks/manager');
  const captured = await captureLangChainPayloads();
  const run = async (payload, tokens, every, boundary) => {
    const manager = CallbackManager.configure(callbacks);
    if (!manager) return; // no handlers at all: nothing to dispatch (the untraced hook level)
    const [runManager] = await manager.handleChatModelStart(
      payload.llm,
      [payload.messages],
      undefined,
      undefined,
      payload.extraParams,
    );
    if (tokens) {
      for (let i = 0; i < tokens.length; i++) {
        const { text, chunk } = tokens[i];
        await runManager.handleLLMNewToken(text, { prompt: 0, completion: 0 }, undefined, undefined, undefined, {
          chunk,
        });
        if (boundary && (i + 1) % every === 0) boundary((i + 1) / every);
      }
    }
    await runManager.handleLLMEnd(withFreshCompletion(payload.output));
    await queueIdle();
  };
  return {
    generate: () => run(captured.generate),
    async stream() {
      await run(captured.stream, await tokenChunks(currentStreamChunks()));
    },
    async chunks(total, every, boundary) {
      await run(captured.stream, await tokenChunks(total), every, boundary);
    },
  };
}
