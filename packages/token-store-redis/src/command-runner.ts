/**
 * Every Redis call goes through here: bounded in time, and failing with a `StoreError` whose
 * message names the operation and the client's error (never a command argument, so never a
 * token or a stored value). The token manager catches it, logs it once per outage and goes on
 * without the store.
 */
import { StoreError } from '@org/signing-core';

export type CommandRunner = <T>(operation: string, work: () => Promise<T>) => Promise<T>;

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

export function createCommandRunner(timeoutMs: number): CommandRunner {
  return async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pending: Promise<T>;
    try {
      pending = work();
    } catch (error) {
      throw new StoreError(`redis ${operation} failed: ${describe(error)}`);
    }
    // A command that outlives the timeout settles later: never leave that rejection unhandled.
    pending.catch(() => {});
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new StoreError(`redis ${operation} did not answer within ${timeoutMs} ms`)),
            timeoutMs,
          );
          (timer as { unref?: () => void }).unref?.();
        }),
      ]);
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`redis ${operation} failed: ${describe(error)}`);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  };
}
