import { projectConfig } from '../../vitest.shared.ts';

// The core's tests again in an edge-like runtime (vitest's edge-runtime environment). edge-vm.test.ts, which runs
// the bundled core in a real Edge Runtime VM, and the docs check need Node itself and run in the Node pass only.
export default projectConfig('llm-callback-core-edge', {
  environment: 'edge-runtime',
  exclude: ['src/edge-vm.test.ts', 'src/attribute-reference.test.ts'],
});
