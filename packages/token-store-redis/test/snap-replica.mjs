// One replica of a merchant's SNAP server, for the two-process test: imports the BUILT packages
// (as a merchant would), serves `createSnapServer` with the Redis stores on 127.0.0.1, prints
// `{"event":"ready","url":…}`, and one `{"event":"run"}` line each time its payment handler runs.
import { serveOnLoopback } from '@org/signing-core/testing/node';
import { createSnapServer } from '@org/snap-auth/server';
import { redisIdempotencyStore, redisIssuedTokenStore } from '@org/token-store-redis';
import { createClient } from 'redis';

const emit = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const client = createClient({ url: process.env.REPLICA_REDIS_URL, disableOfflineQueue: true });
client.on('error', () => {});
await client.connect();
const prefix = process.env.REPLICA_PREFIX;
const server = createSnapServer({
  partners: [JSON.parse(process.env.REPLICA_PARTNER ?? '{}')],
  tokenStore: redisIssuedTokenStore({ client, prefix }),
  idempotencyStore: redisIdempotencyStore({ client, prefix }),
});
const running = await serveOnLoopback(async (request) => {
  if (new URL(request.url).pathname === '/v1.0/access-token/b2b') return server.handleAccessToken(request);
  return server.handle(request, { serviceCode: '25' }, async () => {
    emit({ event: 'run' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    return { paymentFlagStatus: '00' };
  });
}, 0);
emit({ event: 'ready', url: running.url });
process.stdin.on('end', async () => {
  await running.close();
  await client.quit();
  process.exit(0);
});
process.stdin.resume();
