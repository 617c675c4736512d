import type { UserConfig } from 'vitest/config';
export declare const sharedTestOptions: NonNullable<UserConfig['test']>;
export declare function packageConfig(configUrl: string, overrides?: UserConfig): UserConfig;
