import { packageBuild } from '../../tsup.shared.ts';
import pkg from './package.json' with { type: 'json' };

export default packageBuild(pkg.version);
