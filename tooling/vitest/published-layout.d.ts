/** What is wrong with the built dist/ of the package in `packageDir` (decision 17): [] when nothing. */
export function publishedLayoutProblems(packageDir: string): Promise<string[]>;
