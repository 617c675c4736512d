/** Starts `test/worker.mjs` in a child Node process and follows its JSON event lines. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface WorkerEvent {
  readonly event: 'ready' | 'fetching' | 'done';
  readonly at: number;
  /** Index of the round in WORKER_ROUNDS (-1 for `ready`). */
  readonly round: number;
  readonly [field: string]: unknown;
}

export interface DoneEvent extends WorkerEvent {
  readonly callers: number;
  readonly fulfilled: number;
  readonly failed: number;
  readonly fingerprints: string[];
  readonly elapsedMs: number;
  readonly warnings: string[];
}

export interface Worker {
  readonly child: ChildProcess;
  readonly events: WorkerEvent[];
  /** Resolves with the first event of that name in that round (already seen or still to come). */
  next(event: WorkerEvent['event'], round?: number, timeoutMs?: number): Promise<WorkerEvent>;
  go(): void;
  readonly stderr: () => string;
}

const script = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** One round of a worker: a fresh token manager on `prefix` (cold cache) and `callers` concurrent calls. */
export interface WorkerRound {
  readonly prefix: string;
  readonly callers: number;
  readonly pubsub: boolean;
  readonly lockTtlMs?: number;
  readonly lockWaitMs?: number;
}

export function spawnWorker(options: {
  redisUrl: string;
  /** The root nodes of a Redis Cluster: the worker connects with createCluster instead. */
  redisCluster?: ReadonlyArray<{ url: string }>;
  tokenUrl: string;
  rounds: readonly WorkerRound[];
}): Worker {
  const env = {
    ...(options.redisCluster ? { WORKER_REDIS_CLUSTER: JSON.stringify(options.redisCluster) } : {}),
    WORKER_REDIS_URL: options.redisUrl,
    WORKER_TOKEN_URL: options.tokenUrl,
    WORKER_ROUNDS: JSON.stringify(options.rounds),
  };
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const events: WorkerEvent[] = [];
  const waiting: Array<{ event: string; round: number; resolve: (e: WorkerEvent) => void }> = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    let parsed: WorkerEvent;
    try {
      parsed = JSON.parse(line) as WorkerEvent;
    } catch {
      stderr += `${line}\n`;
      return;
    }
    events.push(parsed);
    for (const waiter of waiting.filter((w) => w.event === parsed.event && w.round === parsed.round)) {
      waiting.splice(waiting.indexOf(waiter), 1);
      waiter.resolve(parsed);
    }
  });
  return {
    child,
    events,
    stderr: () => stderr,
    next(event, round = event === 'ready' ? -1 : 0, timeoutMs = 20_000) {
      const seen = events.find((e) => e.event === event && e.round === round);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker ${child.pid}: no "${event}" within ${timeoutMs} ms; stderr: ${stderr}`)),
          timeoutMs,
        );
        const onExit = (code: number | null) =>
          reject(new Error(`worker ${child.pid} exited (${code}) before "${event}"; stderr: ${stderr}`));
        child.once('exit', onExit);
        waiting.push({
          event,
          round,
          resolve: (e) => {
            clearTimeout(timer);
            child.off('exit', onExit);
            resolve(e);
          },
        });
      });
    },
    go() {
      child.stdin?.write('go\n');
    },
  };
}
