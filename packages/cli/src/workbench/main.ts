/**
 * The workbench page (`payauth workbench`): pick a signature, paste a captured request and the
 * key, and see the exact string to sign with its parts, the computed signature next to the
 * received one, and on a mismatch the diagnosis of `payauth verify` (the same `diagnose` over the
 * same signature kinds, here on the WebCrypto backend). Plain DOM code: every value is written
 * with textContent, nothing is stored, and the only URL it changes is its own fragment.
 */
import { isAuthError } from '@org/signing-core';
import { type SnapPreset, snapPresets, snapStringToSignParts } from '@org/snap-auth';
import { CliError } from '../exit-codes.js';
import { PROVIDERS } from '../providers/provider-name.js';
import { type Diagnosis, diagnose, isAsymmetric } from '../signatures/diagnose.js';
import type { Explanation, KindInputs, SignatureKind } from '../signatures/kind.js';
import { KINDS } from '../signatures/registry.js';
import { shortValue } from '../signatures/variants.js';
import { visible } from '../visible.js';
import { generateRsaKeyPair, generateTestSecret } from './keys.js';
import {
  bodyFields,
  type CapturedRequest,
  headersWithoutCredentials,
  inputsFromRequest,
  relativeUrl,
  requestLine,
} from './request.js';
import { readShareFragment, type SharedCase, shareFragment } from './share.js';

// ---- the signature kinds and their fields ----------------------------------------------------

const ALL_KINDS = PROVIDERS.flatMap((provider) => KINDS[provider]);
const kindId = (kind: SignatureKind) => `${kind.provider}/${kind.kind}`;
const PROVIDER_TITLES = { snap: 'SNAP', finnet: 'Finnet', doku: 'DOKU', fondy: 'Fondy' } as const;

/** Inputs that come from the captured request's own fields. */
const REQUEST_INPUTS = new Set(['method', 'path', 'target', 'notifyUrl', 'body']);
/** Inputs never put in a share link, besides the secret settings. */
const CREDENTIALS = new Set(['privateKey', 'publicKey', 'accessToken']);

interface Field {
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  readonly secret: boolean;
  /** A key or secret: a multi-line text area with a file chooser. */
  readonly key: boolean;
  readonly choices?: readonly string[];
  readonly initial?: string;
}

function fieldsOf(kind: SignatureKind): Field[] {
  const specs = kind.settings('verify', 0).filter((spec) => !REQUEST_INPUTS.has(spec.name));
  const fields: Field[] = specs.map((spec) => ({
    name: spec.name,
    label: spec.description,
    required: spec.required === true,
    secret: spec.secret === true,
    key: spec.fromFile === true && spec.name !== 'accessToken',
    ...(spec.name === 'hexKeyCase' ? { choices: ['lower', 'upper'] } : {}),
    ...(spec.default === undefined ? {} : { initial: spec.default }),
  }));
  if (isAsymmetric(kind)) {
    const signing = kind.settings('sign', 0).find((spec) => spec.name === 'privateKey');
    if (signing) {
      fields.push({
        name: 'privateKey',
        label: `${signing.description}: optional, to compute the signature`,
        required: false,
        secret: true,
        key: true,
      });
    }
  }
  fields.push({
    name: 'signature',
    label: kind.signatureInParams
      ? 'received signature (default: the body\'s "signature" field)'
      : 'received signature',
    required: true,
    secret: false,
    key: false,
  });
  return fields;
}

/** SNAP presets by their path in `snapPresets` (`ifortepay.payment.stage`). */
function presetEntries(node: object, path: string[] = []): Array<[string, SnapPreset]> {
  if ('baseUrl' in node && 'name' in node) return [[path.join('.'), node as SnapPreset]];
  return Object.entries(node).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' ? presetEntries(value, [...path, key]) : [],
  );
}
const PRESETS = new Map(presetEntries(snapPresets));

function presetSummary(preset: SnapPreset): string {
  const format = preset.timestampFormat;
  const timestamp = `yyyy-MM-ddTHH:mm:ss${format?.milliseconds ? '.SSS' : ''}${format?.offset ?? '+07:00'}`;
  return [
    preset.name,
    `service signature: ${preset.serviceSignature ?? 'symmetric'} (${preset.serviceSignature === 'asymmetric' ? 'check it as "snap notification": the same RSA string' : 'HMAC-SHA512, "snap service"'})`,
    `X-TIMESTAMP: ${timestamp}`,
    `body hashed: ${typeof preset.bodyCanonicalization === 'string' ? preset.bodyCanonicalization : 'minify'}`,
    `token path: ${preset.tokenPath}`,
  ].join(' · ');
}

// ---- DOM helpers ----------------------------------------------------------------------------

type Attrs = Record<string, string | boolean>;

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false) continue;
    element.setAttribute(name, value === true ? '' : value);
  }
  element.append(...children);
  return element;
}

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

// ---- the page -------------------------------------------------------------------------------

const app = byId<HTMLElement>('app');

const kindSelect = h('select', { id: 'kind' });
for (const provider of PROVIDERS) {
  const group = h('optgroup', { label: PROVIDER_TITLES[provider] });
  for (const kind of KINDS[provider])
    group.append(h('option', { value: kindId(kind) }, `${provider} ${kind.kind}: ${kind.summary}`));
  kindSelect.append(group);
}
const presetSelect = h('select', { id: 'preset' }, h('option', { value: '' }, 'none (any SNAP provider)'));
for (const [path, preset] of PRESETS) presetSelect.append(h('option', { value: path }, `${preset.name} (${path})`));
const presetInfo = h('p', { id: 'preset-info', class: 'hint' });

const requestMethod = h('input', { id: 'request-method', value: 'POST', autocomplete: 'off', spellcheck: 'false' });
const requestUrl = h('input', {
  id: 'request-url',
  autocomplete: 'off',
  spellcheck: 'false',
  placeholder: 'https://api.example.com/v1.0/transfer-va/payment?x=1 or /v1.0/…',
});
const requestHeaders = h('textarea', {
  id: 'request-headers',
  rows: '6',
  spellcheck: 'false',
  placeholder: 'X-TIMESTAMP: 2024-08-21T14:27:50+07:00\nX-SIGNATURE: …',
});
const requestBody = h('textarea', { id: 'request-body', rows: '6', spellcheck: 'false' });

const fieldsBox = h('div', { id: 'kind-fields' });
const generateButton = h('button', { type: 'button', id: 'generate' });
const generated = h('p', { id: 'generated', class: 'hint', role: 'status' });
const shareButton = h('button', { type: 'button', id: 'share' }, 'Make a share link (without keys and secrets)');
const shareLink = h('input', { id: 'share-link', readonly: true, spellcheck: 'false' });

const result = h('section', { id: 'result', 'aria-busy': 'false', 'aria-labelledby': 'result-title' });

function labelled(id: string, text: string, control: HTMLElement, extra?: Node): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, ...(extra ? [extra] : []));
}

app.append(
  h(
    'section',
    { 'aria-labelledby': 'what-title' },
    h('h2', { id: 'what-title' }, 'Signature'),
    labelled('kind', 'Provider and signature', kindSelect),
    h('div', { id: 'preset-box' }, labelled('preset', 'SNAP provider preset', presetSelect), presetInfo),
  ),
  h(
    'section',
    { 'aria-labelledby': 'request-title' },
    h('h2', { id: 'request-title' }, 'Captured request'),
    labelled('request-method', 'Method', requestMethod),
    labelled('request-url', 'URL or path (with the query, as sent)', requestUrl),
    labelled('request-headers', 'Headers, one "Name: value" a line', requestHeaders),
    labelled('request-body', 'Raw body, exactly as sent', requestBody),
  ),
  h(
    'section',
    { 'aria-labelledby': 'inputs-title' },
    h('h2', { id: 'inputs-title' }, 'Keys and other inputs'),
    fieldsBox,
    h('div', { class: 'actions' }, generateButton),
    generated,
  ),
  result,
  h(
    'section',
    { 'aria-labelledby': 'share-title' },
    h('h2', { id: 'share-title' }, 'Share this case'),
    h(
      'p',
      { class: 'hint' },
      'The link holds the case in its #fragment, which browsers never send to a server. Keys, secrets, the access token and the Authorization header are left out.',
    ),
    h('div', { class: 'actions' }, shareButton),
    labelled('share-link', 'Share link', shareLink),
  ),
);

// ---- state ----------------------------------------------------------------------------------

let kind = ALL_KINDS[0] as SignatureKind;
let fields: Field[] = [];
const controls = new Map<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
const foundNotes = new Map<string, HTMLElement>();
/** Where each input's current value came from, when the request filled it. */
let filledFrom: Record<string, string> = {};

function request(): CapturedRequest {
  return { method: requestMethod.value, url: requestUrl.value, headers: requestHeaders.value, body: requestBody.value };
}

function renderFields(values: Readonly<Record<string, string>> = {}): void {
  fields = fieldsOf(kind);
  controls.clear();
  foundNotes.clear();
  fieldsBox.replaceChildren();
  for (const field of fields) {
    const id = `f-${field.name}`;
    let control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    if (field.choices) {
      control = h('select', { id }, ...field.choices.map((choice) => h('option', { value: choice }, choice)));
    } else if (field.key) {
      control = h('textarea', { id, rows: '3', spellcheck: 'false', autocomplete: 'off', class: 'key' });
    } else {
      control = h('input', { id, spellcheck: 'false', autocomplete: 'off' });
    }
    control.value = values[field.name] ?? field.initial ?? '';
    if (field.required) control.setAttribute('aria-required', 'true');
    controls.set(field.name, control);
    const note = h('span', { class: 'from', id: `${id}-from` });
    foundNotes.set(field.name, note);
    const label = h(
      'label',
      { for: id },
      field.label,
      field.required ? '' : h('span', { class: 'optional' }, ' (optional)'),
    );
    const box = h('div', { class: field.secret ? 'field secret' : 'field' }, label, control, note);
    if (field.key) {
      const fileId = `${id}-file`;
      const file = h('input', { type: 'file', id: fileId, class: 'file' });
      file.addEventListener('change', async () => {
        const chosen = file.files?.[0];
        if (!chosen) return;
        control.value = await chosen.text();
        file.value = '';
        changed();
      });
      box.append(
        h(
          'label',
          { for: fileId, class: 'file-label' },
          `or choose a file for the ${field.name} (read here, never uploaded)`,
        ),
        file,
      );
    }
    fieldsBox.append(box);
  }
  const asymmetric = isAsymmetric(kind);
  generateButton.textContent = asymmetric
    ? 'Generate an RSA key pair (PKCS#8 private, SPKI public)'
    : `Generate a test ${fields.find((f) => f.secret)?.name ?? 'secret'}`;
  generated.textContent = '';
  byId('preset-box').hidden = kind.provider !== 'snap';
}

/** Fills the inputs that the request carries; the user can still edit them afterwards. */
function fillFromRequest(): void {
  const found = inputsFromRequest(
    kind,
    request(),
    fields.map((f) => f.name),
  );
  filledFrom = {};
  for (const field of fields) {
    const note = foundNotes.get(field.name) as HTMLElement;
    const hit = found[field.name];
    if (hit) {
      (controls.get(field.name) as HTMLInputElement).value = hit.value;
      filledFrom[field.name] = hit.from;
      note.textContent = `filled from the request: ${hit.from}`;
    } else note.textContent = '';
  }
  const line = requestLine(requestHeaders.value);
  if (line && requestUrl.value.trim() === '') {
    requestMethod.value = line.method;
    requestUrl.value = line.target;
  }
}

function value(name: string): string | undefined {
  const text = controls.get(name)?.value;
  return text === undefined || text === '' ? undefined : text;
}

interface Built {
  readonly inputs: KindInputs;
  readonly signature: string | undefined;
  readonly missing: string[];
}

function buildInputs(): Built {
  const req = request();
  const path = relativeUrl(req.url);
  const values: Record<string, string | undefined> = {
    method: req.method.trim() || 'POST',
    path,
    target: path,
    // ifortepay signs the complete notification URL: the URL as pasted.
    notifyUrl: req.url.trim().replace(/#.*$/, ''),
    body: req.body,
  };
  const origins: Record<string, string> = {
    method: 'the request method',
    path: 'the request URL',
    target: 'the request URL',
    notifyUrl: 'the request URL',
    body: 'the raw body',
  };
  const missing: string[] = [];
  if (
    kind
      .settings('verify', 0)
      .some((spec) => spec.name === 'path' || spec.name === 'target' || spec.name === 'notifyUrl') &&
    path === ''
  )
    missing.push('the URL or path');
  for (const field of fields) {
    if (field.name === 'signature') continue;
    values[field.name] = value(field.name);
    origins[field.name] = filledFrom[field.name] ?? `the field "${field.label}"`;
    if (field.required && values[field.name] === undefined) missing.push(field.label);
  }
  const params = kind.usesParams ? (bodyFields(req.body) ?? {}) : {};
  if (kind.usesParams && bodyFields(req.body) === undefined) missing.push('a body of fields (JSON object or form)');
  const given = value('signature') ?? (kind.signatureInParams ? (params.signature as string | undefined) : undefined);
  return { inputs: { values, origins, params }, signature: given, missing };
}

/** The string to sign, when the kind cannot explain itself without the private key (SNAP token, notification). */
async function stringToSignOnly(inputs: KindInputs): Promise<Explanation> {
  const v = inputs.values;
  const explained =
    kind.kind === 'token'
      ? await snapStringToSignParts({
          kind: 'access-token',
          clientId: v.clientId as string,
          timestamp: v.timestamp as string,
        })
      : await snapStringToSignParts({
          kind: 'notification',
          method: v.method as string,
          path: v.path as string,
          body: v.body ?? '',
          timestamp: v.timestamp as string,
        });
  return {
    stringToSign: explained.stringToSign,
    parts: explained.parts,
    note: 'paste the private key too to compute the signature here',
    computed: [],
    headers: [],
    signature: '',
  };
}

function describeError(error: unknown): string {
  if (error instanceof CliError) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (isAuthError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Where a part of the string to sign came from, for people. */
function partSource(part: { label: string; name?: string }, inputs: KindInputs): string {
  const name = part.name ?? '';
  if (name === 'bodyHash' || name === 'digest') return 'body hash, computed from the raw body';
  if (name === 'date') return inputs.origins.timestamp ?? 'timestamp';
  if (name === 'secretKey' || name === 'paymentKey') return 'the key (not shown)';
  if (inputs.origins[name]) return inputs.origins[name] as string;
  if (name in inputs.params) return `body field "${name}"`;
  return part.label;
}

let revision = 0;
let timer: ReturnType<typeof setTimeout> | undefined;

function changed(): void {
  revision++;
  result.setAttribute('aria-busy', 'true');
  if (timer !== undefined) clearTimeout(timer);
  timer = setTimeout(() => {
    timer = undefined;
    void update(revision);
  }, 120);
}

async function update(at: number): Promise<void> {
  const built = buildInputs();
  let explained: Explanation | undefined;
  let diagnosis: Diagnosis | undefined;
  let problem: string | undefined;
  if (built.missing.length > 0) {
    problem = `fill in: ${built.missing.join('; ')}`;
  } else {
    try {
      if (!isAsymmetric(kind) || built.inputs.values.privateKey !== undefined)
        explained = await kind.explain(built.inputs);
      else explained = await stringToSignOnly(built.inputs);
      if (built.signature !== undefined && (!isAsymmetric(kind) || built.inputs.values.publicKey !== undefined))
        diagnosis = await diagnose(kind, built.inputs, built.signature);
    } catch (error) {
      problem = describeError(error);
    }
  }
  if (at !== revision) return;
  render(built, explained, diagnosis, problem);
  result.setAttribute('aria-busy', 'false');
}

function render(built: Built, explained: Explanation | undefined, diagnosis: Diagnosis | undefined, problem?: string) {
  let state: 'match' | 'mismatch' | 'error' | 'incomplete' | 'computed';
  let headline: string;
  if (problem !== undefined) {
    state = built.missing.length > 0 ? 'incomplete' : 'error';
    headline = problem;
  } else if (diagnosis) {
    state = diagnosis.match ? 'match' : 'mismatch';
    headline = diagnosis.match
      ? `✓ the ${kind.provider} ${kind.kind} signature matches`
      : `✗ the ${kind.provider} ${kind.kind} signature does not match`;
  } else if (built.signature === undefined) {
    state = 'computed';
    headline = 'no received signature to check: paste it (or its header) to compare';
  } else if (explained?.signature && explained.signature === built.signature.trim()) {
    state = 'match';
    headline = '✓ the signature computed with the private key is the received one (paste the public key for a check)';
  } else {
    state = 'computed';
    headline = 'paste the public key to check the received signature and get a diagnosis';
  }
  const children: Node[] = [
    h('h2', { id: 'result-title' }, 'Result'),
    h('p', { id: 'verdict', 'data-state': state, role: 'status' }, headline),
  ];
  if (diagnosis?.note) children.push(h('p', { id: 'note', class: 'hint' }, `note: ${diagnosis.note}`));
  if (diagnosis && !diagnosis.match) children.push(h('p', { id: 'conclusion' }, `→ ${diagnosis.conclusion ?? ''}`));
  if (explained) {
    children.push(h('h3', {}, 'String to sign'), h('pre', { id: 'string-to-sign' }, visible(explained.stringToSign)));
    if (explained.note) children.push(h('p', { class: 'hint' }, explained.note));
    const rows = explained.parts.map((part) =>
      h(
        'tr',
        {},
        h('th', { scope: 'row' }, part.label),
        h('td', {}, h('code', {}, visible(part.value))),
        h('td', { class: 'source' }, partSource(part, built.inputs)),
      ),
    );
    children.push(
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          { id: 'parts' },
          h('caption', {}, 'Its parts, and where each came from'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'part'),
              h('th', { scope: 'col' }, 'value'),
              h('th', { scope: 'col' }, 'from'),
            ),
          ),
          h('tbody', {}, ...rows),
        ),
      ),
    );
    for (const [label, text] of explained.computed)
      children.push(h('h3', {}, label), h('pre', { class: 'computed' }, text));
  }
  const signatures = h('dl', { id: 'signatures' });
  if (explained?.signature)
    signatures.append(
      h('dt', {}, 'computed signature'),
      h('dd', {}, h('code', { id: 'computed-signature' }, explained.signature)),
    );
  if (built.signature !== undefined)
    signatures.append(
      h('dt', {}, 'received signature'),
      h('dd', {}, h('code', { id: 'received-signature' }, built.signature)),
    );
  if (signatures.childElementCount > 0) children.push(h('h3', {}, 'Signatures'), signatures);
  if (diagnosis && !diagnosis.match) {
    const list = h('ul', { id: 'tried' });
    for (const { variant, match } of diagnosis.tried) {
      list.append(
        h(
          'li',
          { class: match ? 'hit' : 'miss' },
          `${match ? '✓' : '✗'} ${variant.input}: ${variant.description}${variant.value === undefined ? '' : ` ${shortValue(variant.value)}`}`,
        ),
      );
    }
    children.push(
      h('h3', {}, `Tried ${diagnosis.tried.length} variants of the inputs`),
      list,
      ...(diagnosis.combinations > 0
        ? [h('p', { class: 'hint' }, `(and ${diagnosis.combinations} pairs of them together)`)]
        : []),
    );
  }
  result.replaceChildren(...children);
}

// ---- events ---------------------------------------------------------------------------------

function selectKind(id: string, values?: Readonly<Record<string, string>>): void {
  kind = ALL_KINDS.find((k) => kindId(k) === id) ?? kind;
  kindSelect.value = kindId(kind);
  renderFields(values);
  if (!values) fillFromRequest();
}

kindSelect.addEventListener('change', () => {
  selectKind(kindSelect.value);
  changed();
});
presetSelect.addEventListener('change', () => {
  const preset = PRESETS.get(presetSelect.value);
  presetInfo.textContent = preset ? presetSummary(preset) : '';
  if (preset && (kind.kind === 'service' || kind.kind === 'notification') && kind.provider === 'snap') {
    const wanted = preset.serviceSignature === 'asymmetric' ? 'snap/notification' : 'snap/service';
    if (kindId(kind) !== wanted) selectKind(wanted);
  }
  changed();
});
for (const control of [requestMethod, requestUrl, requestHeaders, requestBody]) {
  control.addEventListener('input', () => {
    if (control === requestHeaders || control === requestBody) fillFromRequest();
    changed();
  });
}
fieldsBox.addEventListener('input', changed);
fieldsBox.addEventListener('change', changed);

generateButton.addEventListener('click', async () => {
  generateButton.disabled = true;
  try {
    if (isAsymmetric(kind)) {
      const pair = await generateRsaKeyPair();
      (controls.get('privateKey') as HTMLTextAreaElement).value = pair.privateKey;
      (controls.get('publicKey') as HTMLTextAreaElement).value = pair.publicKey;
      generated.textContent =
        'A 2048-bit RSA key pair is in the fields above: register the public key with the provider; the private key exists only in this tab.';
    } else {
      const field = fields.find((f) => f.secret) as Field;
      (controls.get(field.name) as HTMLTextAreaElement).value = generateTestSecret(kind.provider);
      generated.textContent = `A random test ${field.name} is in its field; the provider issues the real one.`;
    }
  } finally {
    generateButton.disabled = false;
  }
  changed();
});

shareButton.addEventListener('click', () => {
  const shared: Record<string, string> = {};
  for (const field of fields) {
    const text = value(field.name);
    if (text !== undefined && !field.secret && !CREDENTIALS.has(field.name)) shared[field.name] = text;
  }
  const req = request();
  const fragment = shareFragment({
    kind: kindId(kind),
    ...(presetSelect.value ? { preset: presetSelect.value } : {}),
    request: { ...req, headers: headersWithoutCredentials(req.headers) },
    fields: shared,
  });
  history.replaceState(null, '', fragment);
  shareLink.value = location.href;
  shareLink.focus();
  shareLink.select();
});

function restore(shared: SharedCase): void {
  requestMethod.value = shared.request.method;
  requestUrl.value = shared.request.url;
  requestHeaders.value = shared.request.headers;
  requestBody.value = shared.request.body;
  presetSelect.value = shared.preset && PRESETS.has(shared.preset) ? shared.preset : '';
  const preset = PRESETS.get(presetSelect.value);
  presetInfo.textContent = preset ? presetSummary(preset) : '';
  selectKind(shared.kind, shared.fields);
}

try {
  const shared = readShareFragment(location.hash);
  if (shared) restore(shared);
  else selectKind(kindSelect.value);
} catch (error) {
  selectKind(kindSelect.value);
  generated.textContent = `The share link could not be read: ${describeError(error)}`;
}
changed();
document.documentElement.dataset.ready = String(Math.round(performance.now()));
