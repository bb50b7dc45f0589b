import 'reflect-metadata';
import { createApp } from './app.factory';
import { JsonLogger } from './common/logger';
import { ConfigError, loadConfig } from './config/config';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`SessionOps cannot start: invalid configuration\n${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = new JsonLogger(config.logLevel);
  try {
    const app = await createApp(config, { logger });
    await app.listen(config.port, config.host);
    logger.log({ msg: 'SessionOps listening', url: `http://${config.host}:${config.port}`, edition: config.edition }, 'main');
  } catch (err) {
    logger.error({ msg: 'SessionOps failed to start', error: (err as Error).message }, 'main');
    process.stderr.write(`SessionOps cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

void main();
