// The application under a benchmark in a process of its own, from the build (dist/server), as
// `npm start` runs it: configured from the environment the benchmark passes. Tells its parent the
// port once it listens; answers `stats` with the Redis round trips the relay gateway counted and
// the process's CPU time; closes on `close`.
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { createApp, closeApp } = require('../dist/server/app.factory.js');
const { loadConfig } = require('../dist/server/config/config.js');
const { JsonLogger } = require('../dist/server/common/logger.js');
const { RelayRedis } = require('../dist/server/relay/sessions/relay-redis.js');

const config = loadConfig();
const app = await createApp(config, { logger: new JsonLogger(config.logLevel) });
await app.listen(0, '127.0.0.1');
const relayRedis = app.get(RelayRedis);

process.on('message', (m) => {
  if (m.op === 'stats') {
    const cpu = process.cpuUsage();
    process.send({ op: 'stats', roundTrips: relayRedis.roundTrips, cpuMicros: cpu.user + cpu.system, systemMicros: cpu.system });
  } else if (m.op === 'close') {
    void closeApp(app).finally(() => process.exit(0));
  }
});
process.send({ op: 'listening', port: app.getHttpServer().address().port });
