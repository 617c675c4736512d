/**
 * `waitForChange` over pub/sub: one subscription per channel however many callers wait on it,
 * dropped when the last one stops waiting. A wait ends when the channel is told (token stored or
 * lock released), when the lock is not held any more (released before we subscribed, or
 * expired: a holder that died wakes its waiters the moment its lock runs out), or after
 * `timeoutMs`, whichever comes first.
 */
import type { CommandRunner } from './command-runner.js';
import type { RedisKeys } from './key-layout.js';
import type { RedisMessageListener, RedisSubscriberLike } from './redis-client.js';

/** Pause used instead of a notification while the subscriber is failing. */
const FALLBACK_WAIT_MS = 100;
/** After a failed subscription, this long without trying again (node-redis may keep it queued). */
const RETRY_SUBSCRIBE_AFTER_MS = 5_000;
/** Wake this long after the lock's expiry, so that Redis has dropped it when we look. */
const LOCK_EXPIRY_SLACK_MS = 2;

interface Channel {
  readonly wakers: Set<() => void>;
  readonly listener: RedisMessageListener;
  readonly ready: Promise<void>;
}

export interface ChangeNotifierOptions {
  readonly subscriber: RedisSubscriberLike;
  readonly run: CommandRunner;
  /** Milliseconds until the lock expires; 0 or less when nobody holds it. */
  readonly lockRemainingMs: (lockKey: string) => Promise<number>;
  /** Called when subscribing fails, and with `undefined` once it works again. */
  readonly onSubscriberState: (error: unknown) => void;
}

export type WaitForChange = (keys: RedisKeys, timeoutMs: number) => Promise<void>;

export function createChangeNotifier(options: ChangeNotifierOptions): WaitForChange {
  const { subscriber, run, lockRemainingMs, onSubscriberState } = options;
  const channels = new Map<string, Channel>();
  let failedAt: number | undefined;

  function channelFor(name: string): Channel {
    const existing = channels.get(name);
    if (existing) return existing;
    const wakers = new Set<() => void>();
    const listener: RedisMessageListener = () => {
      for (const wake of [...wakers]) wake();
    };
    const ready = run('subscribe', () => subscriber.subscribe(name, listener)).then(() => undefined);
    const channel: Channel = { wakers, listener, ready };
    channels.set(name, channel);
    ready.then(
      () => {
        failedAt = undefined;
      },
      () => {
        failedAt = Date.now();
        if (channels.get(name) === channel) channels.delete(name);
      },
    );
    return channel;
  }

  function drop(name: string, channel: Channel): void {
    if (channel.wakers.size > 0 || channels.get(name) !== channel) return;
    channels.delete(name);
    channel.ready.then(
      () => run('unsubscribe', () => subscriber.unsubscribe(name, channel.listener)).catch(() => {}),
      () => {},
    );
  }

  return (keys, timeoutMs) => {
    if (!(timeoutMs > 0)) return Promise.resolve();
    if (failedAt !== undefined && Date.now() - failedAt < RETRY_SUBSCRIBE_AFTER_MS) {
      return new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(timeoutMs, FALLBACK_WAIT_MS));
        (timer as { unref?: () => void }).unref?.();
      });
    }
    const channel = channelFor(keys.channel);
    return new Promise<void>((resolve) => {
      let done = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        if (done) return;
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        channel.wakers.delete(finish);
        drop(keys.channel, channel);
        resolve();
      };
      const deadline = Date.now() + timeoutMs;
      /** Wakes after `ms`, but never later than the caller's timeout. */
      const wakeAfter = (ms: number) => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(finish, Math.max(0, Math.min(ms, deadline - Date.now())));
        (timer as { unref?: () => void }).unref?.();
      };
      wakeAfter(timeoutMs);
      channel.wakers.add(finish);
      channel.ready.then(
        async () => {
          onSubscriberState(undefined);
          if (done) return;
          // The lock may have been released before the subscription was in place, and a lock
          // that expires publishes nothing: wake when it is gone, or at the latest when it expires.
          try {
            const remaining = await lockRemainingMs(keys.lock);
            if (done) return;
            if (remaining <= 0) finish();
            else wakeAfter(remaining + LOCK_EXPIRY_SLACK_MS);
          } catch {
            finish(); // Redis is failing: let the token manager's next call find out.
          }
        },
        (error: unknown) => {
          onSubscriberState(error);
          if (!done) wakeAfter(FALLBACK_WAIT_MS);
        },
      );
    });
  };
}
