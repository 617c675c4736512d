// The README's Worker, verbatim: a SNAP client per invocation (as Workers do: `env` exists only
// in the handler), sharing its token through the Durable Object. test/miniflare.ts bundles it.
import { createSnapAuth } from '@org/snap-auth';
import { type DurableObjectNamespaceLike, durableObjectTokenStore } from '@org/token-store-durable-object';

// The Durable Object class, exported by name for the binding in your Wrangler configuration.
export { TokenStoreDurableObject } from '@org/token-store-durable-object';

interface Env {
  PAYAUTH_TOKENS: DurableObjectNamespaceLike;
  SNAP_BASE_URL: string;
  SNAP_CLIENT_ID: string;
  SNAP_PRIVATE_KEY: string;
  SNAP_CLIENT_SECRET: string;
  SNAP_CHANNEL_ID: string;
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const snap = createSnapAuth({
      baseUrl: env.SNAP_BASE_URL,
      clientId: env.SNAP_CLIENT_ID,
      privateKey: env.SNAP_PRIVATE_KEY,
      clientSecret: env.SNAP_CLIENT_SECRET,
      channelId: env.SNAP_CHANNEL_ID,
      tokenStore: durableObjectTokenStore({ namespace: env.PAYAUTH_TOKENS }),
    });
    const answer = await snap.ky.post('v1.0/balance-inquiry', { json: {} }).json();
    return Response.json(answer);
  },
};
