declare const __BRIDGE_VERSION__: string | undefined;

/** The bridge's version, stamped at build time. */
export const VERSION: string = typeof __BRIDGE_VERSION__ === 'string' ? __BRIDGE_VERSION__ : '0.0.0-dev';
