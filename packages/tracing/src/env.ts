/** Reads an environment variable; blank values count as unset. Safe where `process` does not exist. */
export function readEnv(name: string): string | undefined {
  const value = typeof process === 'undefined' ? undefined : process.env?.[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** `true` / `false` from an environment variable (case-insensitive), else `undefined`. */
export function readEnvBoolean(name: string): boolean | undefined {
  const value = readEnv(name)?.toLowerCase();
  if (value === 'true' || value === '1' || value === 'yes' || value === 'on') return true;
  if (value === 'false' || value === '0' || value === 'no' || value === 'off') return false;
  return undefined;
}

/** A non-negative finite number from an environment variable, else `undefined`. */
export function readEnvNumber(name: string): number | undefined {
  const raw = readEnv(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A comma-separated list from an environment variable (entries trimmed and lower-cased), else `undefined`. */
export function readEnvList(name: string): string[] | undefined {
  const raw = readEnv(name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '');
}

/** True when `AGENTOPS_DISABLED=true` or `OTEL_SDK_DISABLED=true`. */
export function isDisabledByEnv(): boolean {
  return readEnvBoolean('AGENTOPS_DISABLED') === true || readEnvBoolean('OTEL_SDK_DISABLED') === true;
}

/** A positive finite number, or the fallback. */
export function positiveOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}
