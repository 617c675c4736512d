// The format of the repository's conformance vectors, vectors/*.json (vectors/README.md): every
// file, entry and provenance has the documented fields, ids are unique, the protocols.md sections
// and key files they name exist. Each provider package's vectors.test.ts computes its entries.
import { readRepoFile, readVectors, type Vectors } from '@org/vitest-config/vectors';
import { describe, expect, it } from 'vitest';

const providers = ['snap', 'doku-partner', 'finnet', 'fondy'] as const satisfies readonly (keyof Vectors)[];
const files = providers.map((provider) => [provider, readVectors(provider)] as const);
const sections = new Set(
  [...readRepoFile('docs/protocols.md').matchAll(/^#{2,3} (\d+(?:\.\d+)?)[. ]/gm)].map((m) => m[1]),
);

const keysOf = (value: object) => Object.keys(value).sort();
const nonEmpty = expect.stringMatching(/\S/);

/** Every `§x.y` of a reference names a section of docs/protocols.md. */
function expectSections(reference: string) {
  expect(reference).toMatch(/^docs\/protocols\.md §\d/);
  for (const [, section] of reference.matchAll(/(\d+(?:\.\d+)?)/g)) expect(sections).toContain(section);
}

describe.each(files)('vectors/%s.json', (provider, file) => {
  it('names its provider, package and protocol section', () => {
    expect(keysOf(file)).toEqual(['package', 'protocol', 'provider', 'unreproducible', 'vectors']);
    expect(file.provider).toBe(provider);
    expect(file.package).toMatch(/^@org\/[a-z-]+-auth$/);
    expectSections(file.protocol);
    expect(file.vectors.length).toBeGreaterThan(0);
  });

  it.each(file.vectors.map((vector) => [vector.id, vector] as const))('%s has the documented fields', (_id, vector) => {
    expect(keysOf(vector)).toEqual([
      'algorithm',
      'description',
      'expected',
      'id',
      'inputs',
      'kind',
      'provenance',
      'stringToSign',
    ]);
    expect(vector).toMatchObject({
      description: nonEmpty,
      kind: nonEmpty,
      algorithm: nonEmpty,
      stringToSign: nonEmpty,
    });
    expect(vector.expected.signature).toEqual(nonEmpty);
    const { provenance } = vector;
    const published = provenance.origin === 'published';
    expect(keysOf(provenance)).toEqual(
      published ? ['origin', 'reference', 'source', 'tag'] : ['how', 'origin', 'reference', 'source', 'tag'],
    );
    expect(provenance.tag).toBe(published ? 'VERIFIED' : 'SELF');
    expect(provenance.origin).toBe(published ? 'published' : 'self-computed');
    expect(provenance.source).toEqual(nonEmpty);
    expectSections(provenance.reference);
    for (const [name, value] of Object.entries(vector.inputs)) {
      if (name.endsWith('File')) expect(readRepoFile(value as string)).toMatch(/^-----BEGIN [A-Z ]+-----\n/);
    }
  });

  it.each(file.unreproducible.map((entry) => [entry.id, entry] as const))(
    '%s says why it cannot be reproduced',
    (_id, entry) => {
      expect(['candidate', 'description', 'id', 'inputs', 'published', 'reason', 'reference', 'source']).toEqual(
        expect.arrayContaining(keysOf(entry)),
      );
      expect(entry).toMatchObject({ description: nonEmpty, source: nonEmpty, reason: nonEmpty });
      expect(Object.values(entry.published).length).toBeGreaterThan(0);
      expectSections(entry.reference);
    },
  );
});

it('ids are unique across the files, in capitals, digits and hyphens', () => {
  const ids = files.flatMap(([, file]) => [...file.vectors, ...file.unreproducible].map((entry) => entry.id));
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/);
});
