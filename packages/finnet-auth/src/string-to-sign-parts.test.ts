import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { FINNET_REQUEST_HEADERS } from './protocol/provider.js';
import { finnetStringToSign, finnetStringToSignParts } from './protocol/signature.js';

describe('finnetStringToSignParts', () => {
  it('gives each signed field in byte order of the names; joined, the text finnetStringToSign builds', () => {
    const params = {
      transNumber: 'T1',
      tokenID: 'tok',
      reqDtime: '20240821142750',
      phoneNumber: '0811',
      signature: 'x',
    };
    const result = finnetStringToSignParts(params);
    expect(result.parts.map((part) => part.name)).toEqual(['phoneNumber', 'reqDtime', 'tokenID', 'transNumber']);
    expect(result.parts.every((part) => part.label === part.name)).toBe(true);
    expect(result.stringToSign).toBe(finnetStringToSign(params));
  });

  it('refuses what finnetStringToSign refuses', () => {
    expect(() => finnetStringToSignParts({ amount: 10 } as never)).toThrow(
      expect.objectContaining({ field: 'amount' }),
    );
    expect(() => finnetStringToSignParts({ amount: 10 } as never)).toThrow(expect.toSatisfy(isInputError));
    expect(() => finnetStringToSignParts(null as never)).toThrow(TypeError);
  });

  it('FINNET_REQUEST_HEADERS is frozen JSON', () => {
    expect(FINNET_REQUEST_HEADERS['Content-Type']).toBe('application/json');
    expect(Object.isFrozen(FINNET_REQUEST_HEADERS)).toBe(true);
  });
});
