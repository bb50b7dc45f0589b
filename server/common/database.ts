import { Logger } from '@nestjs/common';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/config';
import { ENTITIES } from './entities';
import { MIGRATIONS } from '../../migrations';

/** How the metadata database is reached: entities, migrations and the connection settings. */
export function metadataDataSourceOptions(databaseUrl: string): DataSourceOptions {
  const url = new URL(databaseUrl);
  return {
    type: 'mysql',
    host: url.hostname,
    port: Number(url.port || 3306),
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.replace(/^\//, ''),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    connectTimeout: 3000,
    extra: { connectionLimit: 10 },
    logging: false,
  };
}

export function createDataSource(databaseUrl: string): DataSource {
  return new DataSource(metadataDataSourceOptions(databaseUrl));
}

/** The URL without its password, for messages. */
export function describeUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.password = '';
  return url.toString();
}

export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  const [exists] = await ds.query<{ n: number }[]>(
    "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'migrations'",
  );
  if (!exists || Number(exists.n) === 0) return known;
  const done = new Set((await ds.query<{ name: string }[]>('SELECT name FROM migrations')).map((r) => r.name));
  return known.filter((n) => !done.has(n));
}

/**
 * Opens the metadata database. Pending migrations stop the boot (naming them), except in demo
 * mode, which applies them.
 */
export async function openDatabase(
  config: AppConfig,
  options: DataSourceOptions = metadataDataSourceOptions(config.databaseUrl),
): Promise<DataSource> {
  const logger = new Logger('database');
  const ds = new DataSource(options);
  try {
    await ds.initialize();
  } catch (err) {
    throw new Error(`The metadata database at ${describeUrl(config.databaseUrl)} is unreachable: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const pending = await pendingMigrations(ds);
  if (pending.length > 0) {
    if (!config.demo) {
      await ds.destroy();
      throw new Error(`The metadata database has pending migrations: ${pending.join(', ')}. Run "npm run migrate" first.`);
    }
    await ds.runMigrations({ transaction: 'each' });
    logger.log({ msg: 'applied migrations', migrations: pending });
  }
  return ds;
}
