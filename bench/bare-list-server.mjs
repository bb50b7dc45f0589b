// A reference for the list benchmark, not part of the application: the least an HTTP service can do
// to answer a page of a tenant's sessions. Plain node:http, one mysql2 pool on the tenant, SHOW FULL
// PROCESSLIST, sorted by time, the first 50 rows as JSON; no sign-in, validation or mapping. Tells
// its parent the port over IPC; the tenant's address comes as JSON in argv[2].
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const mysql = require('mysql2/promise');
const tenant = JSON.parse(process.argv[2]);
const pool = mysql.createPool({ ...tenant, connectionLimit: 2, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });

const server = http.createServer((req, res) => {
  pool
    .query('SHOW FULL PROCESSLIST')
    .then(([rows]) => {
      const body = JSON.stringify({ items: rows.sort((a, b) => b.Time - a.Time).slice(0, 50), total: rows.length });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    })
    .catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => {
  server.close();
  void pool.end();
});
