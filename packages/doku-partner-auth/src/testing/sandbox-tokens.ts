/**
 * The sandbox's Partner API tokens: JWT-shaped like DOKU's (payload
 * `{"sub":"payload","exp":…,"user":{"businessServiceClientId":…},"iat":…}`), but signed
 * HS256 with a random key of this sandbox instance. DOKU's real tokens are RS256 with DOKU's
 * key; nobody outside DOKU can verify those, and nobody should try to verify these.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedToken {
  readonly token: string;
  readonly clientId: string;
  /** Epoch seconds. */
  readonly iat: number;
  /** Epoch seconds. */
  readonly exp: number;
}

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class SandboxTokens {
  readonly #key = randomBytes(32);
  /** Tokens that have not been expired by `expireAll()`. */
  readonly #live = new Map<string, IssuedToken>();
  #issued = 0;

  /** How many issued tokens still work at `nowMs`. */
  active(nowMs: number): number {
    let count = 0;
    for (const token of this.#live.values()) if (nowMs < token.exp * 1000) count += 1;
    return count;
  }

  get issued(): number {
    return this.#issued;
  }

  issue(clientId: string, nowMs: number, lifetimeSeconds: number): IssuedToken {
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + lifetimeSeconds;
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({ sub: 'payload', exp, user: { businessServiceClientId: clientId }, iat, jti: this.#issued + 1 }),
    );
    const signature = createHmac('sha256', this.#key).update(`${header}.${payload}`).digest('base64url');
    const issued = { token: `${header}.${payload}.${signature}`, clientId, iat, exp };
    this.#live.set(issued.token, issued);
    this.#issued += 1;
    return issued;
  }

  /** The token's record when it is this sandbox's, unexpired and not revoked by `expireAll()`. */
  check(token: string, nowMs: number): IssuedToken | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const expected = createHmac('sha256', this.#key).update(`${parts[0]}.${parts[1]}`).digest();
    const received = Buffer.from(parts[2] ?? '', 'base64url');
    if (received.length !== expected.length || !timingSafeEqual(received, expected)) return undefined;
    const issued = this.#live.get(token);
    if (!issued || nowMs >= issued.exp * 1000) return undefined;
    return issued;
  }

  expireAll(): void {
    this.#live.clear();
  }
}
