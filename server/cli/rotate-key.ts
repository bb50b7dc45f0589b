import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDataSource } from '../common/database';
import { ConfigError, loadConfig } from '../config/config';
import { seal, unseal } from '../tenants/credential-vault';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';

/**
 * Re-encrypts every stored credential under NEW_MASTER_KEY in one transaction. When the current
 * key came from the key file (no MASTER_KEY in the environment), the file is updated as well.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const next = loadConfig({ ...process.env, MASTER_KEY: process.env.NEW_MASTER_KEY ?? '' }).masterKey;
  const ds = createDataSource(config.databaseUrl);
  await ds.initialize();
  let count = 0;
  try {
    await ds.transaction(async (m) => {
      for (const t of await m.getRepository(Tenant).find()) {
        await m.getRepository(Tenant).update({ id: t.id }, { passwordEnc: seal(next, unseal(config.masterKey, t.passwordEnc)) });
        count++;
      }
      for (const c of await m.getRepository(Cluster).find()) {
        if (c.sysPasswordEnc === null) continue;
        await m.getRepository(Cluster).update({ id: c.id }, { sysPasswordEnc: seal(next, unseal(config.masterKey, c.sysPasswordEnc)) });
        count++;
      }
    });
  } finally {
    await ds.destroy();
  }
  if (!process.env.MASTER_KEY) {
    const file = resolve(process.env.MASTER_KEY_FILE ?? '.stack/master.key');
    writeFileSync(file, next.toString('base64'), { mode: 0o600 });
    process.stdout.write(`Re-encrypted ${count} credential(s); ${file} now holds the new key.\n`);
  } else {
    process.stdout.write(`Re-encrypted ${count} credential(s); set MASTER_KEY to the new key before the next start.\n`);
  }
}

main().catch((err: unknown) => {
  const msg = err instanceof ConfigError ? err.message.replace(/^MASTER_KEY:/m, 'NEW_MASTER_KEY (or MASTER_KEY):') : (err as Error).message;
  process.stderr.write(`rotate-key failed, nothing changed: ${msg}\n`);
  process.exit(1);
});
