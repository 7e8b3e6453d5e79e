import { projectConfig } from '../../vitest.shared.ts';

// Real Jaeger: a cold Jaeger build takes minutes (cached afterwards under ~/.cache/agentops-e2e).
export default projectConfig('demo-e2e', {
  include: ['e2e/**/*.test.ts'],
  testTimeout: 120_000,
  hookTimeout: 15 * 60_000,
});
