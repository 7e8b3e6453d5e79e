import { packageBuild } from '../../tsup.shared.ts';
import pkg from './package.json' with { type: 'json' };

// Neutral platform: the core runs on edge runtimes and must not pull in Node built-ins.
export default packageBuild(
  pkg.version,
  { index: 'src/index.ts', testing: 'src/testing/index.ts', 'adapter-kit': 'src/adapter-kit.ts' },
  { platform: 'neutral' },
);
