/**
 * `redisExternalIds`: X-EXTERNAL-ID values unique across every replica within a day, from one
 * Redis counter per day, for providers whose ids are too short for random ones (9 or 12 digits).
 *
 * Scheme (all digits, so any SNAP charset rule accepts it):
 * - A replica leases a block of `blockSize` numbers with one `INCR` on the day's key
 *   `<prefix>:external-id:<name>:<yyyyMMdd>` (the SNAP day, +07:00; the key expires after
 *   48 h). `INCR` is atomic, so no two leases anywhere get the same block: the block number is
 *   the replica-safe prefix of the ids, and the offset in the block the rest.
 * - Block numbers are interleaved by the day's parity (`2 × (n − 1) + day % 2`), so the ids of
 *   two consecutive days never meet either: replicas whose clocks straddle midnight are safe.
 * - The id is the number, zero-padded to the length; at 16 characters or more it starts with
 *   `yyyyMMdd`, so it is also unique across days.
 * - `next()` is synchronous (what `createSnapAuth`'s `externalId` option calls): it hands out
 *   the leased numbers and keeps one spare block (the next lease starts as soon as less than a
 *   block is left), and tomorrow's first block a minute before midnight. It throws a `StoreError` only
 *   when no leased number is left (Redis was down for a whole block), never a possibly repeated id.
 */
import { ConfigError, type Logger, log, StoreError } from '@org/signing-core';
import { optionSchemas, validateOptions } from '@org/signing-core/provider-kit';
import * as v from 'valibot';
import { createCommandRunner } from './command-runner.js';
import { PREFIX_EXPECTED, prefixSchema } from './options.js';
import { type AnyRedisClient, CLIENT_EXPECTED, isIoRedisClientLike, isRedisClientLike } from './redis-client.js';
import { redisCommands } from './redis-commands.js';

const PACKAGE_NAME = '@org/token-store-redis';
const DAY_MS = 86_400_000;
/** SNAP's day: +07:00 (Asia/Jakarta). */
const SNAP_DAY_OFFSET_MS = 7 * 3_600_000;
const KEY_TTL_MS = 2 * DAY_MS;
/** Tomorrow's first block is leased this long before midnight. */
const PRE_LEASE_MS = 60_000;
const DATED_FROM_LENGTH = 16;
const LEASE_RETRY_MS = 250;

// KEYS[1] the day's counter; ARGV[1] its TTL in ms. One lease: the next block number (from 1).
const LEASE = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/** What the provider accepts as X-EXTERNAL-ID (structurally the `externalIdRule` of a SNAP profile). */
export interface RedisExternalIdRule {
  /** Exact lengths accepted; ids get the first. */
  readonly lengths?: readonly number[] | undefined;
  /** Longest id accepted (when `lengths` is not set, ids get this length). Default 36. */
  readonly maxLength?: number | undefined;
  /** Any of SNAP's charsets: the ids are digits only, which each accepts. */
  readonly charset?: 'numeric' | 'alphanumeric' | 'ascii' | undefined;
}

export interface RedisExternalIdsOptions {
  /** A connected node-redis 5 or ioredis client (standalone, Sentinel or Cluster). */
  client: AnyRedisClient;
  /** The profile's `externalIdRule`: ids get its first `lengths` entry, else its `maxLength`. Default 36 characters. */
  rule?: RedisExternalIdRule | undefined;
  /** The counter's name: replicas sharing it never share an id (e.g. one per provider). Default `snap`. */
  name?: string | undefined;
  /** First part of the counter key, without `{` or `}`. Default `payauth`. */
  prefix?: string | undefined;
  /** Numbers leased per `INCR`: 10, 100, …, 1 000 000. Default 1000. */
  blockSize?: number | undefined;
  /** Epoch-ms clock. Default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Longest time one Redis command may take. Default 500 ms. */
  commandTimeoutMs?: number | undefined;
  /** Receives `warn` when a background lease fails. Default: silent. */
  logger?: Logger | undefined;
}

export interface RedisExternalIds {
  /**
   * The next id, synchronously: pass it as `createSnapAuth({ externalId: ids.next })`.
   *
   * @throws {StoreError} `ERR_STORE` when no leased number is left for today.
   */
  readonly next: () => string;
  /** The length of every id. */
  readonly length: number;
  /** How many ids a day can give at this length and block size, across all replicas. */
  readonly capacityPerDay: number;
  /** Stops the timer that leases tomorrow's block before midnight. */
  close(): void;
}

const POWERS_OF_TEN = [10, 100, 1_000, 10_000, 100_000, 1_000_000];
const BLOCK_EXPECTED = 'a power of ten from 10 to 1000000';
const lengthSchema = optionSchemas.wholeNumber(6, 36);

const schema = v.strictObject({
  client: v.custom<AnyRedisClient>((value) => isRedisClientLike(value) || isIoRedisClientLike(value), CLIENT_EXPECTED),
  rule: v.exactOptional(
    v.optional(
      v.object(
        {
          lengths: v.exactOptional(
            v.optional(
              v.pipe(v.array(lengthSchema, 'an array of lengths from 6 to 36'), v.minLength(1, 'at least one length')),
            ),
          ),
          maxLength: v.exactOptional(v.optional(lengthSchema)),
          charset: v.exactOptional(
            v.optional(v.picklist(['numeric', 'alphanumeric', 'ascii'], "'numeric', 'alphanumeric' or 'ascii'")),
          ),
        },
        '{ lengths?, maxLength?, charset? } (a SNAP externalIdRule)',
      ),
    ),
  ),
  name: v.exactOptional(v.optional(optionSchemas.nonEmptyString())),
  prefix: v.exactOptional(v.optional(prefixSchema, PREFIX_EXPECTED)),
  blockSize: v.exactOptional(
    v.optional(v.custom<number>((value) => POWERS_OF_TEN.includes(value as number), BLOCK_EXPECTED)),
  ),
  clock: v.exactOptional(v.optional(v.function('a function returning epoch milliseconds'))),
  commandTimeoutMs: v.exactOptional(v.optional(optionSchemas.milliseconds(1, 60_000))),
  logger: v.exactOptional(v.optional(v.looseObject({}, 'a logger object ({ warn?, info?, … })'))),
});

interface Block {
  readonly day: number;
  next: number;
  readonly end: number;
}

/** A ConfigError worded like `validateOptions`' own, for checks across fields. */
function invalid(path: string, expected: string, received: string): ConfigError {
  return new ConfigError(`[${PACKAGE_NAME}] invalid option:\n  - ${path}: expected ${expected}, received ${received}`, [
    { path, expected, received },
  ]);
}

function yyyymmdd(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Leases the first block for today, then returns the generator.
 *
 * @throws {ConfigError} `ERR_CONFIG` for a bad option, or a rule whose first length exceeds its `maxLength`.
 * @throws {StoreError} `ERR_STORE` when Redis does not answer the first lease.
 */
export async function redisExternalIds(options: RedisExternalIdsOptions): Promise<RedisExternalIds> {
  const o = validateOptions(PACKAGE_NAME, schema, options) as RedisExternalIdsOptions;
  const length = o.rule?.lengths?.[0] ?? o.rule?.maxLength ?? 36;
  if (o.rule?.maxLength !== undefined && length > o.rule.maxLength) {
    throw invalid('rule.lengths', `a first length of at most maxLength (${o.rule.maxLength})`, String(length));
  }
  const blockSize = o.blockSize ?? 1_000;
  const digits = length >= DATED_FROM_LENGTH ? length - 8 : length;
  const space = 10 ** Math.min(digits, 15);
  if (blockSize * 2 > space) {
    throw invalid('blockSize', `at most ${space / 2} for ${length}-character ids`, String(blockSize));
  }
  const blocksPerParity = Math.floor(space / blockSize / 2);
  const clock = o.clock ?? Date.now;
  const prefix = o.prefix ?? 'payauth';
  const name = o.name ?? 'snap';
  const logger = o.logger;
  const redis = redisCommands(o.client, o.commandTimeoutMs ?? 500);
  const run = createCommandRunner(o.commandTimeoutMs ?? 500);
  const dayOf = (now: number) => Math.floor((now + SNAP_DAY_OFFSET_MS) / DAY_MS);

  const blocks: Block[] = [];
  const leasing = new Map<number, Promise<void>>();
  let failing = false;
  /** After a failed lease, none is tried before this (real) time: no storm of doomed commands. */
  let retryLeaseAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  function lease(day: number): Promise<void> {
    const pending = leasing.get(day);
    if (pending) return pending;
    const key = `${prefix}:external-id:${name}:${yyyymmdd(day)}`;
    const work = run('external-id lease', () => redis.eval(LEASE, [key], [String(KEY_TTL_MS)])).then((reply) => {
      const n = Number(reply);
      if (!Number.isInteger(n) || n < 1)
        throw new StoreError('redis external-id lease failed: INCR did not answer a number');
      if (n > blocksPerParity) {
        throw new StoreError(
          `redis external-id lease failed: the ${length}-character ids of ${yyyymmdd(day)} are used up (${blocksPerParity} blocks of ${blockSize})`,
        );
      }
      const start = (2 * (n - 1) + (day % 2)) * blockSize;
      blocks.push({ day, next: start, end: start + blockSize });
      if (failing) {
        failing = false;
        log(logger, 'info', '@org/token-store-redis: external id leases work again', { name });
      }
    });
    leasing.set(day, work);
    work.then(
      () => leasing.delete(day),
      () => leasing.delete(day),
    );
    return work;
  }

  function leaseInBackground(day: number): void {
    if (Date.now() < retryLeaseAt) return;
    lease(day).catch((error: unknown) => {
      retryLeaseAt = Date.now() + LEASE_RETRY_MS;
      if (failing) return;
      failing = true;
      log(logger, 'warn', '@org/token-store-redis: leasing external ids failed; using the ids already leased', {
        name,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    });
  }

  function remaining(day: number): number {
    let count = 0;
    for (const block of blocks) if (block.day === day) count += block.end - block.next;
    return count;
  }

  /** Leases `target`'s first block a minute before it starts, whether or not ids are asked for then. */
  function schedulePreLease(target: number): void {
    if (closed) return;
    const fireAt = target * DAY_MS - SNAP_DAY_OFFSET_MS - PRE_LEASE_MS;
    timer = setTimeout(
      () => {
        if (remaining(target) === 0) leaseInBackground(target);
        schedulePreLease(target + 1);
      },
      Math.max(0, fireAt - clock()),
    );
    (timer as { unref?: () => void }).unref?.();
  }

  function format(day: number, n: number): string {
    const number = String(n).padStart(digits, '0');
    return length >= DATED_FROM_LENGTH ? `${yyyymmdd(day)}${number}` : number;
  }

  await lease(dayOf(clock()));
  schedulePreLease(dayOf(clock()) + 1);

  return {
    length,
    capacityPerDay: blocksPerParity * blockSize,
    next() {
      const now = clock();
      const today = dayOf(now);
      // Blocks of past days are never used again.
      while (blocks.length > 0 && (blocks[0] as Block).day < today) blocks.shift();
      const block = blocks.find((candidate) => candidate.day === today && candidate.next < candidate.end);
      // One spare block: a burst of up to a whole block is served while the next lease is on its way.
      if (remaining(today) <= blockSize) leaseInBackground(today);
      if ((today + 1) * DAY_MS - SNAP_DAY_OFFSET_MS - now < PRE_LEASE_MS && remaining(today + 1) === 0) {
        leaseInBackground(today + 1);
      }
      if (!block) {
        throw new StoreError(
          `no external id left for ${yyyymmdd(today)}: leasing a new block from Redis has not succeeded yet (the ids are never reused, so none is made up)`,
        );
      }
      const id = format(today, block.next);
      block.next += 1;
      if (block.next === block.end) blocks.splice(blocks.indexOf(block), 1);
      return id;
    },
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
