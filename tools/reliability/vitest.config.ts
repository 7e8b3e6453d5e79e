import { projectConfig } from '../../vitest.shared.ts';

// One file at a time: the suite measures latency and drives load on a shared 2-core machine, so files must not
// compete with each other. Timeouts are generous because the outage test waits out a real 30 s outage.
export default projectConfig('reliability', {
  include: ['src/**/*.test.ts'],
  fileParallelism: false,
  testTimeout: 240_000,
  hookTimeout: 60_000,
});
