declare const __PACKAGE_VERSION__: string | undefined;

/** This package's version, stamped at build time (the instrumentation scope version of its spans). */
export const VERSION: string = typeof __PACKAGE_VERSION__ === 'string' ? __PACKAGE_VERSION__ : '0.0.0-dev';
