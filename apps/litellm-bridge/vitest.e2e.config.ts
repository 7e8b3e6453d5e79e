import { projectConfig } from '../../vitest.shared.ts';

// The real LiteLLM proxy (a pinned venv provisioned by tools/e2e, cached under ~/.cache/agentops-e2e): the first run
// installs it from PyPI, which takes minutes; later runs start the proxy in seconds.
export default projectConfig('litellm-bridge-e2e', {
  include: ['e2e/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 10 * 60_000,
});
