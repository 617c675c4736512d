// The per-case context: talks to the sandbox host over HTTP (Web fetch only), so the suite
// runs the same on every runtime. Every sandbox or hostile server a case opens is closed after it.

async function post(host, path, body) {
  const response = await fetch(`${host}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`sandbox host ${path}: ${json.error}`);
  return json;
}

/** Reads the host's /info once: the SNAP key pair, the vectors and their key files. */
export async function readHostInfo(host) {
  const response = await fetch(`${host}/info`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`sandbox host /info: HTTP ${response.status}`);
  return response.json();
}

export function contextFactory(host, info, extra = {}) {
  return async () => {
    const opened = [];
    return {
      ...extra,
      host,
      info,
      /** A fresh provider sandbox on the host; `op(name, args)` drives it. */
      async sandbox(kind, options = {}) {
        const created = await post(host, '/sandbox', { kind, options });
        opened.push(created.id);
        return {
          ...created,
          op: async (op, args = {}) => (await post(host, `/sandbox/${created.id}`, { op, args })).result,
        };
      },
      /** A fresh hostile server: `mode` is stallAfterHeaders, endlessBody, redirect or json. */
      async hostile(mode, args = {}) {
        const created = await post(host, '/hostile', { mode, ...args });
        opened.push(created.id);
        return created;
      },
      /** An origin where nothing listens: a hostile server's, closed again. */
      async closedOrigin() {
        const created = await post(host, '/hostile', { mode: 'json' });
        await post(host, '/close', { id: created.id });
        return created.url;
      },
      async close() {
        await Promise.all(opened.map((id) => post(host, '/close', { id }).catch(() => {})));
      },
    };
  };
}
