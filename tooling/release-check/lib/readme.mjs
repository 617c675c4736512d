// What a new user copies from a package README: its install line and its first code example.

/** The first ```ts / ```js block of a README, verbatim (without the fences), or undefined. */
export function firstExample(markdown) {
  const match = /^```(?:ts|typescript|js|javascript)\n([\s\S]*?)^```/m.exec(markdown);
  return match?.[1];
}

/**
 * The packages of the install section: every `npm install` line of the first ```sh block that
 * has one (flags and comments dropped), e.g. ['@org/snap-auth', '@org/signing-core'].
 */
export function installedPackages(markdown) {
  for (const [, block] of markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)) {
    const names = [];
    for (const line of block.split('\n')) {
      const command = line.replace(/#.*$/, '').trim();
      const match = /^npm (?:install|i|add) (.+)$/.exec(command);
      if (!match) continue;
      for (const word of match[1].split(/\s+/)) if (word && !word.startsWith('-')) names.push(word);
    }
    if (names.length > 0) return [...new Set(names)];
  }
  return [];
}
