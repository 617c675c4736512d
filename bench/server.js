// A trivial HTTP server for the transport benchmarks, run as its own process so that it does not
// share the benchmark's event loop. It answers a SNAP-shaped token on */access-token/b2b, a
// DOKU/Fondy-shaped token on their token paths, and a small SNAP success body on every other
// path. Loopback only; it exits with its parent.
import { createServer } from 'node:http';

const token = JSON.stringify({
  responseCode: '2007300',
  responseMessage: 'Successful',
  accessToken: 'bench-token-0123456789abcdef',
  tokenType: 'Bearer',
  expiresIn: '900',
});
// DOKU (`/partner/v1.0/token`) and Fondy (`/authorizer/token/application/get`) both read `token`
// and `expires_in`.
const plainToken = JSON.stringify({ request_id: 'bench', token: 'bench-token-0123456789abcdef', expires_in: 3600 });
const ok = JSON.stringify({ responseCode: '2001700', responseMessage: 'Successful', referenceNo: '1234567890' });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const url = req.url ?? '';
    const body = url.endsWith('/access-token/b2b')
      ? token
      : url.endsWith('/partner/v1.0/token') || url.endsWith('/authorizer/token/application/get')
        ? plainToken
        : ok;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
