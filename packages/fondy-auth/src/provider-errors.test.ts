import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeFondyError,
  describeFondySuccessFailure,
  describeFondyTokenFailure,
  readApiError,
  readApiErrorResponse,
  readTokenError,
} from './protocol/provider-errors.js';

describe('Fondy error shapes', () => {
  it('reads the documented token 403 (error_code is a number)', () => {
    const body = { error_code: 403, error_message: 'Incorrect signature', request_id: 'cGeC7PH59ESqQw30' };
    expect(readTokenError(body)).toEqual({
      providerCode: '403',
      providerMessage: 'Incorrect signature',
      details: { requestId: 'cGeC7PH59ESqQw30' },
    });
    expect(describeFondyError({ status: 403, body })).toEqual(readTokenError(body));
  });

  it('reads the report API { error, err_code } shape and spots "Invalid auth token"', () => {
    expect(readApiError({ error: 'Invalid auth token', err_code: 'Invalid auth token' })).toEqual({
      providerCode: 'Invalid auth token',
      providerMessage: 'Invalid auth token',
      tokenRejected: true,
    });
    expect(readApiError({ error: 'Authorization token required', err_code: 'Authorization token required' })).toEqual({
      providerCode: 'Authorization token required',
      providerMessage: 'Authorization token required',
      tokenRejected: false,
    });
    // Either key alone is enough ("If the err_code or error key is present, the request is not completed").
    expect(readApiError({ err_code: ' invalid AUTH token ' })?.tokenRejected).toBe(true);
    expect(readApiError({ error: 'Merchant not found' })).toMatchObject({ providerCode: 'Merchant not found' });
    expect(
      describeFondyError({ status: 401, body: { error: 'Invalid auth token', err_code: 'Invalid auth token' } }),
    ).toEqual({ providerCode: 'Invalid auth token', providerMessage: 'Invalid auth token', tokenRejected: true });
  });

  it('token endpoint: error_code / error_message without a token is a failure, even on HTTP 200', () => {
    const body = { error_code: 403, error_message: 'Incorrect signature', request_id: 'r-1' };
    expect(describeFondyTokenFailure({ status: 200, body })).toEqual({
      providerCode: '403',
      providerMessage: 'Incorrect signature',
      details: { requestId: 'r-1' },
    });
    expect(describeFondyTokenFailure({ status: 200, body: { ...body, token: '' } })).toMatchObject({
      providerCode: '403',
    });
    // A token wins over error fields; an answer with neither is not a provider failure (the
    // token parser refuses it as a ResponseFormatError).
    expect(describeFondyTokenFailure({ status: 200, body: { ...body, token: 't' } })).toBeUndefined();
    for (const other of [{}, { token: 42 }, [], 'token', null, { error: 'Invalid auth token' }]) {
      expect(describeFondyTokenFailure({ status: 200, body: other })).toBeUndefined();
    }
  });

  it('report API: { error, err_code } on a 2xx is a failure, "Invalid auth token" a rejected token', () => {
    expect(
      describeFondySuccessFailure({
        status: 200,
        body: { error: 'Invalid auth token', err_code: 'Invalid auth token' },
      }),
    ).toEqual({ providerCode: 'Invalid auth token', providerMessage: 'Invalid auth token', tokenRejected: true });
    expect(describeFondySuccessFailure({ status: 200, body: { data: [], rows_count: 0 } })).toBeUndefined();
  });

  it('ignores other bodies', () => {
    for (const body of [undefined, null, 'text', [], { data: [] }, { token: 't' }, 42]) {
      expect(readApiError(body)).toBeUndefined();
      expect(readTokenError(body)).toBeUndefined();
      expect(describeFondyError({ status: 500, body })).toBeUndefined();
    }
  });

  it('reads error responses, skipping bodies that cannot be error bodies', async () => {
    const json = (body: string, headers: Record<string, string> = {}) =>
      new Response(body, { headers: { 'content-type': 'application/json', ...headers } });
    await expect(
      readApiErrorResponse(json('{"error":"Invalid auth token","err_code":"Invalid auth token"}')),
    ).resolves.toMatchObject({
      error: { tokenRejected: true },
      text: '{"error":"Invalid auth token","err_code":"Invalid auth token"}',
    });
    await expect(readApiErrorResponse(json('{"data":[],"rows_count":0}'))).resolves.toBeUndefined();
    await expect(readApiErrorResponse(json('{"error":'))).resolves.toBeUndefined();
    await expect(readApiErrorResponse(json('<html>error</html>'))).resolves.toBeUndefined();
    await expect(readApiErrorResponse(new Response(null))).resolves.toBeUndefined();
    const big = `{"error":"x","pad":"${'a'.repeat(20_000)}"}`;
    await expect(readApiErrorResponse(json(big))).resolves.toBeUndefined();
    await expect(readApiErrorResponse(json(big, { 'content-length': String(big.length) }))).resolves.toBeUndefined();
  });

  it('never throws, whatever the body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json()), async (text) => {
        const found = await readApiErrorResponse(new Response(text));
        if (found) expect(typeof found.error.tokenRejected).toBe('boolean');
      }),
    );
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        describeFondyError({ status: 400, body: value });
      }),
    );
  });
});
