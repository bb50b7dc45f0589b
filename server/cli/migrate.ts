import 'reflect-metadata';
import { createConnection } from 'mysql2/promise';
import { createDataSource, describeUrl, pendingMigrations } from '../common/database';
import { ConfigError, loadConfig } from '../config/config';

/** Creates the metadata database when missing and applies pending migrations. */
export async function migrate(databaseUrl: string): Promise<string[]> {
  const url = new URL(databaseUrl);
  const name = url.pathname.replace(/^\//, '');
  if (!/^\w{1,64}$/.test(name)) throw new Error(`Invalid database name in DATABASE_URL: ${JSON.stringify(name)}`);
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    connectTimeout: 3000,
  });
  try {
    await admin.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  try {
    const pending = await pendingMigrations(ds);
    await ds.runMigrations({ transaction: 'each' });
    return pending;
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  (async () => {
    const config = loadConfig(process.env, { needKey: false });
    const applied = await migrate(config.databaseUrl);
    process.stdout.write(
      applied.length
        ? `Applied ${applied.length} migration(s) to ${describeUrl(config.databaseUrl)}: ${applied.join(', ')}\n`
        : 'No pending migrations.\n',
    );
  })().catch((err: unknown) => {
    process.stderr.write(`migrate failed: ${err instanceof ConfigError ? '\n' : ''}${(err as Error).message}\n`);
    process.exit(1);
  });
}
