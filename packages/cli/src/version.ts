// The version of @org/cli, read from its own package.json (one directory above both src/ and
// dist/, and always published), so `payauth --version` follows `changeset version` with no
// second copy to keep in sync.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export const VERSION: string = manifest.version;
