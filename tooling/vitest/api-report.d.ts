/** The API report text of the package in `packageDir` (its dist must be built). */
export function apiReport(packageDir: string): string;
/** '' when `packageDir/api-report.md` is current (or was just written with UPDATE_API_REPORT=1), else where it differs. */
export function checkApiReport(packageDir: string): string;
