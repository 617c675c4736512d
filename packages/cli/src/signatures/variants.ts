/**
 * The usual ways two sides end up signing different bytes: another timestamp format, another
 * serialisation of the same JSON body (minified, re-serialised, pretty-printed, PHP's
 * `json_encode` escapes), a secret with a stray line break.
 */
import {
  formatIsoTimestamp,
  formatUtcTimestamp,
  JAKARTA_OFFSET,
  minifyJson,
  parseIsoTimestamp,
} from '@org/signing-core';

export interface ValueVariant {
  readonly value: string;
  readonly description: string;
}

function unique(original: string, candidates: readonly ValueVariant[]): ValueVariant[] {
  const seen = new Set([original]);
  const out: ValueVariant[] = [];
  for (const candidate of candidates) {
    if (seen.has(candidate.value)) continue;
    seen.add(candidate.value);
    out.push(candidate);
  }
  return out;
}

/**
 * The same instant in the other ISO-8601 forms (+07:00 or Z, with or without milliseconds), and
 * the same clock time with another zone label (a local time written with the wrong offset).
 * Nothing when the timestamp is not ISO-8601.
 */
export function timestampVariants(timestamp: string): ValueVariant[] {
  let ms: number;
  try {
    ms = parseIsoTimestamp(timestamp);
  } catch {
    return [];
  }
  const wallClock = timestamp.replace(/(Z|[+-]\d\d:\d\d)$/, '');
  const wallClockSeconds = wallClock.replace(/\.\d+$/, '');
  return unique(timestamp, [
    {
      value: formatIsoTimestamp(ms, { offset: JAKARTA_OFFSET }),
      description: 'the same time as +07:00 without milliseconds',
    },
    {
      value: formatIsoTimestamp(ms, { offset: JAKARTA_OFFSET, milliseconds: true }),
      description: 'the same time as +07:00 with milliseconds',
    },
    { value: formatUtcTimestamp(ms), description: 'the same time in UTC (Z) without milliseconds' },
    {
      value: formatUtcTimestamp(ms, { milliseconds: true }),
      description: 'the same time in UTC (Z) with milliseconds',
    },
    {
      value: `${wallClockSeconds}Z`,
      description: 'the same clock time labelled Z (a local time written with the wrong zone)',
    },
    {
      value: `${wallClockSeconds}+07:00`,
      description: 'the same clock time labelled +07:00 (a UTC time written with the wrong zone)',
    },
    {
      value: `${wallClockSeconds}.000${timestamp.slice(wallClock.length)}`,
      description: 'the same timestamp with .000 milliseconds',
    },
  ]);
}

/** Other serialisations of a JSON body; only whitespace-level changes when the body is not JSON. */
export function bodyVariants(body: string, options: { minified?: boolean } = {}): ValueVariant[] {
  const candidates: ValueVariant[] = [];
  let parsed: unknown;
  let isJson = false;
  try {
    parsed = JSON.parse(body);
    isJson = body.trim() !== '';
  } catch {
    isJson = false;
  }
  if (isJson) {
    if (options.minified !== false)
      candidates.push({
        value: minifyJson(body),
        description: 'the body minified (whitespace between tokens removed)',
      });
    candidates.push({
      value: JSON.stringify(parsed),
      description:
        're-serialised with JSON.stringify(JSON.parse(body)) (numbers such as 10.00 become 10, escapes and key order may change)',
    });
    if (options.minified !== false)
      candidates.push({ value: JSON.stringify(parsed, null, 2), description: 'pretty-printed with 2 spaces' });
    candidates.push(...phpJsonEncodeVariants(minifyJson(body)));
  }
  if (options.minified !== false) {
    if (/\r?\n$/.test(body))
      candidates.push({
        value: body.replace(/(\r?\n)+$/, ''),
        description: 'the body without its trailing line break',
      });
    else if (body !== '') candidates.push({ value: `${body}\n`, description: 'the body with a trailing line break' });
  }
  if (body !== '') candidates.push({ value: '', description: 'an empty body (the signer hashed nothing)' });
  return unique(body, candidates);
}

/**
 * The minified body as PHP's `json_encode` writes it: by default `\/` for every `/` and
 * `\uXXXX` for every non-ASCII character (UTF-16 code units, lower-case hex), and with either
 * escape turned off by `JSON_UNESCAPED_UNICODE` or `JSON_UNESCAPED_SLASHES`.
 */
function phpJsonEncodeVariants(minified: string): ValueVariant[] {
  return [
    {
      value: phpEscaped(minified, { slashes: true, unicode: true }),
      description: 'the body as PHP json_encode writes it (\\/ and \\uXXXX escapes)',
    },
    {
      value: phpEscaped(minified, { slashes: true, unicode: false }),
      description: 'the body as PHP json_encode(…, JSON_UNESCAPED_UNICODE) writes it (\\/ escapes)',
    },
    {
      value: phpEscaped(minified, { slashes: false, unicode: true }),
      description: 'the body as PHP json_encode(…, JSON_UNESCAPED_SLASHES) writes it (\\uXXXX escapes)',
    },
  ];
}

/**
 * JSON text with PHP's `json_encode` escapes inside its strings: `/` as `\/` (`slashes`) and
 * each non-ASCII UTF-16 code unit as `\uxxxx` (`unicode`; U+2028 and U+2029 are escaped either
 * way, as PHP does without `JSON_UNESCAPED_LINE_TERMINATORS`). Escapes already in the text are
 * kept; nothing outside strings changes.
 */
function phpEscaped(json: string, escapes: { slashes: boolean; unicode: boolean }): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i] as string;
    if (!inString) {
      inString = ch === '"';
      out += ch;
    } else if (ch === '\\') {
      out += ch + (json[i + 1] ?? '');
      i++;
    } else if (ch === '"') {
      inString = false;
      out += ch;
    } else if (ch === '/' && escapes.slashes) {
      out += '\\/';
    } else if (ch.charCodeAt(0) > 0x7f && (escapes.unicode || ch === '\u2028' || ch === '\u2029')) {
      out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** A secret with surrounding whitespace or a line break trimmed, when it has any. */
export function trimmedSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  const trimmed = secret.trim();
  return trimmed !== secret && trimmed !== '' ? trimmed : undefined;
}

/** A short value for display; long ones are cut. */
export function shortValue(value: string, max = 80): string {
  const oneLine = JSON.stringify(value);
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…"`;
}
