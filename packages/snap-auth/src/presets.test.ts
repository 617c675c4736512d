import { describe, expect, it } from 'vitest';
import { privateKeyPem } from './__fixtures__/setup.js';
import { createSnapAuth } from './client/create-snap-auth.js';
import { snapPresets } from './client/presets.js';

describe('snapPresets', () => {
  it('has the seed URLs of ifortepay Payment and Disbursement (stage and production)', () => {
    const url = (p: { baseUrl: string; tokenPath: string }) => new URL(p.tokenPath, `${p.baseUrl}/`).href;
    expect(url(snapPresets.ifortepay.payment.stage)).toBe(
      'https://kronos-stage.ifortepay.id/auth/merchants/v1.0/access-token/b2b',
    );
    expect(url(snapPresets.ifortepay.payment.production)).toBe(
      'https://kronos.ifortepay.id/auth/merchants/v1.0/access-token/b2b',
    );
    expect(url(snapPresets.ifortepay.disbursement.stage)).toBe('https://api-stage.senmo.id/api/v1.0/access-token/b2b');
    expect(url(snapPresets.ifortepay.disbursement.production)).toBe('https://api.senmo.id/api/v1.0/access-token/b2b');
  });

  it('has the §2.8 providers', () => {
    expect(snapPresets.bri.sandbox.baseUrl + snapPresets.bri.sandbox.tokenPath).toBe(
      'https://sandbox.partner.api.bri.co.id/snap/v1.0/access-token/b2b',
    );
    expect(snapPresets.finpay.sandbox.baseUrl + snapPresets.finpay.sandbox.tokenPath).toBe(
      'https://devo.finnet.co.id/pg/snap/oauth/v1.0/access-token/b2b',
    );
    expect(snapPresets.finpay.production.baseUrl).toBe('https://live.finnet.co.id');
    expect(snapPresets.nicepay.sandbox.baseUrl + snapPresets.nicepay.sandbox.tokenPath).toBe(
      'https://dev.nicepay.co.id/nicepay/v1.0/access-token/b2b',
    );
    expect(snapPresets.onebrick.sandbox.baseUrl + snapPresets.onebrick.sandbox.tokenPath).toBe(
      'https://sandbox.onebrick.io/v2/payments/acceptance/1.0/access-token/b2b',
    );
    expect(snapPresets.doku.sandbox).toMatchObject({
      baseUrl: 'https://api-sandbox.doku.com',
      tokenPath: '/authorization/v1/access-token/b2b',
      customerTokenPath: '/authorization/v1/access-token/b2b2c',
      grantTypeCase: 'lower',
    });
    expect(snapPresets.doku.production.baseUrl).toBe('https://api.doku.com');
    expect(snapPresets.aspi.sandbox.baseUrl + snapPresets.aspi.sandbox.tokenPath).toBe(
      'https://apidevportal.aspi-indonesia.or.id:44310/api/v1.0/access-token/b2b',
    );
  });

  it('every preset is valid options for createSnapAuth, frozen, and overridable by spreading', () => {
    const all = Object.values(snapPresets).flatMap((group) =>
      Object.values(group).flatMap((entry) => ('baseUrl' in entry ? [entry] : Object.values(entry))),
    );
    expect(all).toHaveLength(21);
    for (const preset of all) {
      expect(Object.isFrozen(preset)).toBe(true);
      expect(preset.baseUrl).toMatch(/^https:\/\/[^/]+$/);
      expect(preset.tokenPath).toMatch(/^(\/|https:\/\/).*\/(b2b|b2b\.htm|token)$/);
      expect(preset.notes).toMatch(/https:\/\/|As the/);
      const auth = createSnapAuth({ ...preset, clientId: 'c', privateKey: privateKeyPem });
      expect(auth.baseUrl).toBe(preset.baseUrl);
    }
    const overridden = createSnapAuth({
      ...snapPresets.ifortepay.payment.stage,
      baseUrl: 'https://kronos-stage.mcpayment.id',
      clientId: 'MCP00000001',
      privateKey: privateKeyPem,
    });
    expect(overridden.baseUrl).toBe('https://kronos-stage.mcpayment.id');
    expect(() => {
      (snapPresets.bri.sandbox as { baseUrl: string }).baseUrl = 'https://evil.example';
    }).toThrow(TypeError);
  });
});
