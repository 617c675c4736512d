/** The vectors of vectors/fondy.json (docs/protocols.md §4), in the shapes the tests use. */
import { readVectors, unreproducibleById, vectorById } from '@org/vitest-config/vectors';

export const FONDY_VECTORS = readVectors('fondy');

/** §4.1 [SELF]: computed from the documented algorithm, not confirmed by Fondy (its keys are unpublished). */
export const tokenSignatureVector = (() => {
  const { inputs, expected } = vectorById(FONDY_VECTORS, 'FONDY-TOKEN-1', 'token');
  return { secretKey: inputs.secretKey, applicationId: String(inputs.applicationId), date: inputs.date, ...expected };
})();

/** §4.3: the docs' test request (merchant 1396424, payment key `test`); the docs print a typo for it. */
export const classicSignatureVector = (() => {
  const { inputs, stringToSign, expected } = vectorById(FONDY_VECTORS, 'FONDY-PAYMENT-1', 'payment');
  return {
    ...inputs,
    /** The string to sign without the leading `paymentKey|`. */
    signingString: stringToSign.slice(inputs.paymentKey.length + 1),
    signature: expected.signature,
    docTypo: unreproducibleById(FONDY_VECTORS, 'FONDY-PAYMENT-TYPO').published.signature as string,
  };
})();
