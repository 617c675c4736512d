/**
 * A clock returns the current time in epoch milliseconds. Injectable everywhere time is read,
 * so tests can pin or advance time without touching globals.
 */
export type Clock = () => number;

/** The real clock: `Date.now()`. */
export const systemClock: Clock = () => Date.now();
