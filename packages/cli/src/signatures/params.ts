/**
 * Body parameters for Finnet and Fondy payment signatures: a JSON object from --body or
 * --body-file, then each `--param name=value` (repeatable) added or replacing a field.
 */
import type { Flags } from '../commands/context.js';
import { inputError, usageError } from '../exit-codes.js';
import { notValidJson } from '../json-location.js';
import { readSettingFile } from '../settings.js';

export function readParams(flags: Flags, cwd: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  let text: string | undefined;
  let from = '';
  if (typeof flags.body === 'string') {
    text = flags.body;
    from = '--body';
  } else if (typeof flags['body-file'] === 'string') {
    text = readSettingFile(flags['body-file'], '--body-file', cwd);
    from = `--body-file ${flags['body-file']}`;
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // The line/column only: JSON.parse's message quotes the text near the error.
      throw inputError(`${from} ${notValidJson(text)}`, 'give a JSON object of the request fields');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw inputError(`${from} must hold a JSON object of the request fields`);
    }
    Object.assign(params, parsed);
  }
  const list = flags.param;
  const entries = Array.isArray(list) ? list : typeof list === 'string' ? [list] : [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const at = entry.indexOf('=');
    if (at <= 0) {
      throw usageError(
        `bad --param "${entry}": expected name=value`,
        'e.g. --param requestType=getToken (an empty value is name=)',
      );
    }
    const name = entry.slice(0, at);
    if (seen.has(name)) throw usageError(`--param ${name} is given twice`);
    seen.add(name);
    params[name] = entry.slice(at + 1);
  }
  return params;
}
