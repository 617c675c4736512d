// The conformance vectors of the repository's top-level vectors/ folder (vectors/README.md), for
// the packages' tests: readVectors('snap') parses vectors/snap.json; vectorById() and
// unreproducibleById() find an entry or throw; readRepoFile() reads a file an entry names by its
// repository-relative path (the keys); itComputesEveryVector() is the test every package runs.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);

/** The parsed vectors/<provider>.json. */
export function readVectors(provider) {
  return JSON.parse(readFileSync(new URL(`vectors/${provider}.json`, root), 'utf8'));
}

/** The vector with this id (and, when given, this kind); throws when there is none. */
export function vectorById(file, id, kind) {
  const found = file.vectors.find((vector) => vector.id === id);
  if (!found || (kind !== undefined && found.kind !== kind)) {
    throw new Error(`vectors/${file.provider}.json has no ${kind ?? ''} vector ${id}`);
  }
  return found;
}

/** The published value with this id that cannot be reproduced; throws when there is none. */
export function unreproducibleById(file, id) {
  const found = file.unreproducible.find((entry) => entry.id === id);
  if (!found) throw new Error(`vectors/${file.provider}.json lists no unreproducible value ${id}`);
  return found;
}

/** A file of the repository, by its path from the repository root (e.g. a vector's key file). */
export function readRepoFile(path) {
  return readFileSync(new URL(path, root), 'utf8');
}

/**
 * One test per vector of `file`: `compute(vector)` builds the string to sign and the outputs
 * from the vector's inputs with the implementation under test; both must equal the file's.
 */
export function itComputesEveryVector(file, compute) {
  it.each(file.vectors.map((vector) => [vector.id, vector]))(
    '%s: computed from its inputs, the string to sign and the outputs match the file',
    async (_id, vector) => {
      const result = await compute(vector);
      expect(result.stringToSign).toBe(vector.stringToSign);
      expect(result.expected).toEqual(vector.expected);
    },
  );
}
