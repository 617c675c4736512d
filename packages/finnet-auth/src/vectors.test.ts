// vectors/finnet.json, the conformance vectors of Finnet's body signature (vectors/README.md):
// every entry's string to sign, key text and signature are computed from its inputs by this
// package (and by the sandbox's own implementation) and compared with the file, and recomputed by
// node:crypto alone.
import { createHmac } from 'node:crypto';
import {
  type FinnetVector,
  itComputesEveryVector,
  readVectors,
  unreproducibleById,
  vectorById,
} from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';
import { finnetSignature, finnetStringToSign, finnetStringToSignParts, hexKeyText } from './protocol/signature.js';
import { sandboxSignature, sandboxStringToSign } from './testing/sandbox-signature.js';

const file = readVectors('finnet');
const cases = file.vectors.map((vector) => [vector.id, vector] as const);

/** What the package computes from a vector's inputs. */
async function computed({ inputs }: FinnetVector) {
  const { fields, secretKey, hexKeyCase } = inputs;
  expect(finnetStringToSignParts(fields).stringToSign).toBe(finnetStringToSign(fields));
  return {
    stringToSign: finnetStringToSign(fields),
    expected: {
      hexKey: hexKeyText(secretKey, hexKeyCase),
      signature: await finnetSignature(fields, secretKey, { hexKeyCase }),
    },
  };
}

describe('vectors/finnet.json', () => {
  itComputesEveryVector(file, computed);

  it.each(cases)("%s: the sandbox's own implementation agrees", async (_id, { inputs, stringToSign, expected }) => {
    expect(sandboxStringToSign(inputs.fields)).toBe(stringToSign);
    expect(await sandboxSignature(inputs.fields, inputs.secretKey, inputs.hexKeyCase)).toBe(expected.signature);
  });

  it.each(cases)('%s: node:crypto alone gets the same outputs', (_id, { inputs, stringToSign, expected }) => {
    const hex = Buffer.from(inputs.secretKey, 'utf8').toString('hex');
    expect(inputs.hexKeyCase === 'upper' ? hex.toUpperCase() : hex).toBe(expected.hexKey);
    const mac = createHmac('sha256', Buffer.from(expected.hexKey, 'ascii')).update(stringToSign, 'utf8').digest('hex');
    expect(mac.toUpperCase()).toBe(expected.signature);
  });

  it("FINNET-DOC-EXAMPLE: the documentation's printed output is not hex and its key text is a typo", async () => {
    const entry = unreproducibleById(file, 'FINNET-DOC-EXAMPLE');
    const published = entry.published.signature as string;
    expect(published).toHaveLength(64);
    expect(published).toMatch(/[^0-9A-F]/);
    const example = vectorById(file, 'FINNET-1');
    expect(entry.inputs).toEqual({ fields: example.inputs.fields, secretKey: example.inputs.secretKey });
    expect(entry.published.keysignature).not.toBe(example.expected.hexKey);
    expect(await finnetSignature(example.inputs.fields, example.inputs.secretKey)).not.toBe(published);
  });
});
