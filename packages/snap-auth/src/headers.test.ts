import { isInputError } from '@org/signing-core';
import { describe, expect, it } from 'vitest';
import { SNAP_HEADERS, snapSignedHeaders } from './protocol/headers.js';

describe('snapSignedHeaders', () => {
  it('lays out the access-token request headers', () => {
    const headers = snapSignedHeaders({ kind: 'access-token', clientId: 'c1', timestamp: 't', signature: 's' });
    expect(Object.entries(headers)).toEqual([
      ['Content-Type', 'application/json'],
      ['X-TIMESTAMP', 't'],
      ['X-CLIENT-KEY', 'c1'],
      ['X-SIGNATURE', 's'],
    ]);
  });

  it('lays out a service call with the bearer token, then the optional headers that are given', () => {
    expect(
      Object.entries(
        snapSignedHeaders({
          kind: 'service',
          accessToken: 'tok',
          timestamp: 't',
          signature: 's',
          partnerId: 'p',
          externalId: '1',
          channelId: '95221',
        }),
      ),
    ).toEqual([
      ['Content-Type', 'application/json'],
      ['Authorization', 'Bearer tok'],
      ['X-TIMESTAMP', 't'],
      ['X-SIGNATURE', 's'],
      ['X-PARTNER-ID', 'p'],
      ['X-EXTERNAL-ID', '1'],
      ['CHANNEL-ID', '95221'],
    ]);
    expect(
      Object.keys(snapSignedHeaders({ kind: 'service', accessToken: 'tok', timestamp: 't', signature: 's' })),
    ).toEqual(['Content-Type', 'Authorization', 'X-TIMESTAMP', 'X-SIGNATURE']);
  });

  it('lays out a notification without a token', () => {
    expect(snapSignedHeaders({ kind: 'notification', timestamp: 't', signature: 's', externalId: '1' })).toEqual({
      'Content-Type': 'application/json',
      'X-TIMESTAMP': 't',
      'X-SIGNATURE': 's',
      'X-EXTERNAL-ID': '1',
    });
  });

  it('refuses an empty value and an unknown kind', () => {
    const field = (run: () => unknown) => {
      try {
        run();
        return 'ok';
      } catch (error) {
        return isInputError(error) ? error.field : (error as Error).name;
      }
    };
    expect(field(() => snapSignedHeaders({ kind: 'access-token', clientId: '', timestamp: 't', signature: 's' }))).toBe(
      'clientId',
    );
    expect(field(() => snapSignedHeaders({ kind: 'notification', timestamp: 't', signature: '' }))).toBe('signature');
    expect(field(() => snapSignedHeaders({ kind: 'other' } as never))).toBe('TypeError');
  });

  it('names every SNAP header, frozen', () => {
    expect(SNAP_HEADERS.signature).toBe('X-SIGNATURE');
    expect(SNAP_HEADERS.externalId).toBe('X-EXTERNAL-ID');
    expect(Object.isFrozen(SNAP_HEADERS)).toBe(true);
  });
});
