/**
 * The logger hook the toolkit reports through (store outages, background refresh failures).
 * Compatible with `console`, pino and winston. Messages and fields never contain secrets.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (the default: libraries stay quiet unless asked). */
export const silentLogger: Logger = {};

/** Calls `logger[level]` when present, never letting a throwing logger break the caller. */
export function log(
  logger: Logger | undefined,
  level: keyof Logger,
  message: string,
  fields?: Record<string, unknown>,
): void {
  const method = logger?.[level];
  if (typeof method !== 'function') return;
  try {
    method.call(logger, message, fields);
  } catch {
    // A logger failure must never turn into an auth failure.
  }
}
