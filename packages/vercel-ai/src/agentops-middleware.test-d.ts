/*
 * Type tests, checked by `npm run typecheck` (tsc): the one middleware object is assignable to the middleware type
 * of every supported major version, and `wrapLanguageModel` of each version accepts it.
 */
import type {
  LanguageModelV4Middleware,
  LanguageModelV2Middleware as ProviderV4LanguageModelV2Middleware,
  LanguageModelV3Middleware as ProviderV4LanguageModelV3Middleware,
} from '@ai-sdk/provider';
import { type LanguageModelMiddleware, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4, MockLanguageModelV3 as MockV3OfAi7 } from 'ai/test';
// ai@5 and ai@6 name their own provider version's middleware type `LanguageModelMiddleware`.
import { type LanguageModelMiddleware as LanguageModelV2Middleware, wrapLanguageModel as wrapV5 } from 'ai-v5';
import { MockLanguageModelV2 } from 'ai-v5/test';
import { type LanguageModelMiddleware as LanguageModelV3Middleware, wrapLanguageModel as wrapV6 } from 'ai-v6';
import { MockLanguageModelV3 } from 'ai-v6/test';
import { type AgentOpsMiddleware, agentopsMiddleware } from './index.js';

// Where the value goes decides the version literal.
export const v2: LanguageModelV2Middleware = agentopsMiddleware();
export const v3: LanguageModelV3Middleware = agentopsMiddleware();
export const v4: LanguageModelV4Middleware = agentopsMiddleware();
export const ai7: LanguageModelMiddleware = agentopsMiddleware();
// The older spec types that @ai-sdk/provider@4 still ships.
export const provider4v2: ProviderV4LanguageModelV2Middleware = agentopsMiddleware();
export const provider4v3: ProviderV4LanguageModelV3Middleware = agentopsMiddleware();

// A value kept in a variable defaults to the V3 literal, which ai@5, ai@6 and ai@7's `wrapLanguageModel` all take.
const shared = agentopsMiddleware({ metadata: { tags: ['x'] } });
export const sharedV2: LanguageModelV2Middleware = shared;
export const sharedV3: LanguageModelV3Middleware = shared;
export const sharedAi7: LanguageModelMiddleware = shared;
// Only the strict V4 type needs the literal spelled out.
// @ts-expect-error `specificationVersion` is 'v3' here
export const sharedV4: LanguageModelV4Middleware = shared;
export const explicitV4: LanguageModelV4Middleware = agentopsMiddleware<'v4'>();

wrapLanguageModel({ model: new MockLanguageModelV4(), middleware: shared });
wrapLanguageModel({ model: new MockV3OfAi7(), middleware: [agentopsMiddleware(), shared] });
wrapV6({ model: new MockLanguageModelV3(), middleware: shared });
wrapV5({ model: new MockLanguageModelV2(), middleware: agentopsMiddleware() });

// The wrappers hand back exactly what the model returned.
declare const middleware: AgentOpsMiddleware;
declare const result: { content: []; marker: 'mine' };
export const passedThrough: Promise<{ content: []; marker: 'mine' }> = middleware.wrapGenerate({
  doGenerate: async () => result,
  doStream: async () => undefined,
  params: {},
  model: {},
});

// A middleware whose wrapper changed the result type would not be accepted.
declare const changed: Omit<AgentOpsMiddleware, 'wrapGenerate'> & { wrapGenerate: () => Promise<string> };
// @ts-expect-error the result is not a generate result
export const rejectedV3: LanguageModelV3Middleware = changed;
// @ts-expect-error the result is not a generate result
export const rejectedV2: LanguageModelV2Middleware = changed;
