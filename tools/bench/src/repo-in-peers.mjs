// Our adapters inside the peer harness's environment: the same OpenTelemetry SDK 2 (api 1.9.1, sdk-trace-base 2.12.1),
// `ai` and `@langchain/core` as the peers, so our full-capture rows sit beside theirs on equal terms. Our packages'
// built dists come from the repo; what they import of OpenTelemetry and the frameworks resolves as if imported from
// the harness, so there is one copy of each in the process (the api's global registry would refuse a second version).
import { registerHooks } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** What our dists import that the harness also has: taken from the harness. */
const SHARED = [/^@opentelemetry\//, /^@langchain\//, /^ai(\/|$)/, /^@ai-sdk\//];

let installed = false;

/**
 * From now on, `@agentops/*` resolves from the repo (`repoBenchDir`, the repo's tools/bench/src) and the shared
 * packages imported by repo files resolve from `peersAnchor` (a file URL inside the harness).
 */
export function useRepoPackages(repoBenchDir, peersAnchor) {
  if (installed) return;
  installed = true;
  const repoRoot = pathToFileURL(path.resolve(repoBenchDir, '../../..') + path.sep).href;
  const repoAnchor = pathToFileURL(path.join(repoBenchDir, 'ours.mjs')).href;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (specifier.startsWith('@agentops/')) return nextResolve(specifier, { ...context, parentURL: repoAnchor });
      if (context.parentURL?.startsWith(repoRoot) && SHARED.some((pattern) => pattern.test(specifier))) {
        return nextResolve(specifier, { ...context, parentURL: peersAnchor });
      }
      return nextResolve(specifier, context);
    },
  });
}
