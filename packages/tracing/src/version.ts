declare const __PACKAGE_VERSION__: string | undefined;

/** Name of this package, recorded as `agentops.sdk.name`. */
export const SDK_NAME = '@agentops/tracing';

/** Version of this package, recorded as `agentops.sdk.version` (set at build time; `0.0.0-dev` from sources). */
export const SDK_VERSION: string = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';
