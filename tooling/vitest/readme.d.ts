export declare function typescriptBlocks(markdown: string): string[];
export declare function untestedReadmeBlocks(readmePath: string, testFilePaths: string[]): string[];
