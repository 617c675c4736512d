import { isAuthError, StoreError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { createCommandRunner } from './command-runner.js';

describe('command runner', () => {
  const run = createCommandRunner(50);

  it('passes results through', async () => {
    expect(await run('GET', async () => 'value')).toBe('value');
  });

  it('fails a command that does not answer in time with a StoreError, and swallows its late rejection', async () => {
    const started = Date.now();
    const late = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('late')), 500));
    const error = await run('GET', () => late).catch((e: unknown) => e);
    // The 50 ms timeout answers long before the command would (wide margin: shared CI machines).
    expect(Date.now() - started).toBeLessThan(400);
    expect(error).toBeInstanceOf(StoreError);
    expect(isAuthError(error, 'ERR_STORE')).toBe(true);
    expect((error as Error).message).toBe('redis GET did not answer within 50 ms');
    await new Promise((resolve) => setTimeout(resolve, 60)); // an unhandled rejection would fail the run
  });

  it('wraps failures (thrown or rejected) with the operation and the error name, without a cause', async () => {
    const rejected = await run('SET', async () => {
      throw new TypeError('boom');
    }).catch((e: unknown) => e);
    expect((rejected as StoreError).message).toBe('redis SET failed: TypeError: boom');
    expect((rejected as StoreError).cause).toBeUndefined();
    const thrown = await run('DEL', () => {
      throw new Error('sync');
    }).catch((e: unknown) => e);
    expect((thrown as StoreError).message).toBe('redis DEL failed: Error: sync');
    const long = await run('GET', async () => {
      throw new Error('x'.repeat(500));
    }).catch((e: unknown) => e);
    expect((long as StoreError).message.length).toBeLessThan(250);
  });
});
