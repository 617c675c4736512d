export declare function unprefixedTypeErrors(srcDir: string, packageName: string): string[];
