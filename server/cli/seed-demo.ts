import 'reflect-metadata';
import { createDataSource } from '../common/database';
import { loadConfig } from '../config/config';
import { seal } from '../tenants/credential-vault';
import { Cluster } from '../tenants/cluster.entity';
import { Tenant } from '../tenants/tenant.entity';
import { TenantProbe } from '../tenants/tenant-probe';

const DEMO_TENANTS = [
  { name: 'tenant-a', port: 3317 },
  { name: 'tenant-b', port: 3318 },
];

/** Demo data: the stack's two MariaDB tenants registered under the cluster "demo". Idempotent. */
async function main(): Promise<void> {
  const config = loadConfig();
  const ds = createDataSource(config.databaseUrl);
  await ds.initialize();
  try {
    const clusters = ds.getRepository(Cluster);
    const tenants = ds.getRepository(Tenant);
    const cluster =
      (await clusters.findOneBy({ name: 'demo' })) ??
      (await clusters.save(clusters.create({ name: 'demo', kind: 'mysql', description: 'Local demo stack (MariaDB 10.11)' })));
    const probe = new TenantProbe(config);
    for (const d of DEMO_TENANTS) {
      if (await tenants.findOneBy({ clusterId: cluster.id, name: d.name })) continue;
      const target = { name: d.name, host: '127.0.0.1', port: d.port, username: 'sessionops', password: 'sessionops', passwordTyped: true };
      const r = await probe.probe(target);
      await tenants.save(
        tenants.create({
          clusterId: cluster.id,
          name: d.name,
          host: target.host,
          port: target.port,
          username: target.username,
          passwordEnc: seal(config.masterKey, target.password),
          directServers: [],
          proxyAddress: null,
          dialect: r.dialect ?? 'unknown',
          version: r.version ?? '',
          capabilities: r.capabilities,
          healthStatus: r.ok ? 'up' : 'down',
          healthLatencyMs: r.latencyMs,
          healthError: r.error?.message ?? null,
          healthCheckedAt: new Date(),
        }),
      );
      process.stdout.write(`Registered demo tenant ${d.name} (127.0.0.1:${d.port})\n`);
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`seed-demo failed: ${(err as Error).message}\n`);
  process.exit(1);
});
