// The load generator of the relay benchmark, on a thread of its own so that its work does not share
// the event loop of the relay it measures; the direct and the relayed runs go through this same
// client (one keep-alive agent, same concurrency).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { URL } from 'node:url';
import { parentPort } from 'node:worker_threads';

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** headers of request i: the target's, with a session id cycling over `sid.mod` values when set */
function headersOf(t, i) {
  const h = { 'content-type': 'application/json', ...t.headers };
  if (t.sid) h['x-session-id'] = `${t.sid.prefix}${i % t.sid.mod}`;
  return h;
}

function call(t, i) {
  const u = new URL(`${t.url}/v1/messages`);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      { hostname: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: headersOf(t, i) },
      (res) => {
        res.on('data', () => undefined);
        res.once('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`status ${res.statusCode}`))));
      },
    );
    req.once('error', reject);
    req.end(t.body);
  });
}

/** n sequential requests to a and to b, interleaved so that both see the same machine load */
async function latency({ n, a, b }) {
  const la = [];
  const lb = [];
  for (let i = 0; i < n; i++) {
    la.push(await call(a, i));
    lb.push(await call(b, i));
  }
  return { a: la, b: lb };
}

/** `total` requests over `concurrency` parallel loops; requests per second */
async function throughput({ target, concurrency, total }) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await call(target, next++);
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}

const ops = { latency, throughput };

parentPort.on('message', (m) => {
  if (m.op === 'close') {
    agent.destroy();
    parentPort.close();
    return;
  }
  ops[m.op](m)
    .then((result) => parentPort.postMessage({ id: m.id, result }))
    .catch((err) => parentPort.postMessage({ id: m.id, error: err.message }));
});
