import { createConnection, type Connection } from 'mysql2/promise';

/**
 * Keeps a small, varied set of sessions on the demo tenants so the session pages have something
 * to show: long-running queries, idle connections, one idle inside an open transaction, and a
 * second account. Runs until it is stopped; it re-opens what a DBA closes from the console.
 */
const TENANTS = [3317, 3318];
const DEMO_USER = 'demo_app';
const DEMO_PASSWORD = 'demo-app-pw';

async function admin(port: number): Promise<Connection> {
  return createConnection({ host: '127.0.0.1', port, user: 'sessionops', password: 'sessionops' });
}

async function prepare(port: number): Promise<void> {
  const c = await admin(port);
  try {
    await c.query('CREATE DATABASE IF NOT EXISTS shop');
    await c.query(
      'CREATE TABLE IF NOT EXISTS shop.orders (id INT AUTO_INCREMENT PRIMARY KEY, amount DECIMAL(10,2), created_at DATETIME DEFAULT NOW()) ENGINE=InnoDB',
    );
    await c.query(`CREATE USER IF NOT EXISTS '${DEMO_USER}'@'127.0.0.1' IDENTIFIED BY '${DEMO_PASSWORD}'`);
    await c.query(`GRANT ALL ON shop.* TO '${DEMO_USER}'@'127.0.0.1'`);
  } finally {
    await c.end();
  }
}

const LONG_QUERIES = [
  'SELECT SLEEP(600) /* report: monthly revenue */',
  "SELECT o.id, SLEEP(900) FROM shop.orders o WHERE o.amount > 100 AND o.created_at >= '2026-01-01' LIMIT 1",
  "SELECT COUNT(*), SLEEP(1200) FROM information_schema.TABLES t WHERE t.TABLE_SCHEMA IN ('mysql', 'shop', 'information_schema')",
];

/** One kind of session, re-created whenever it is closed. */
function keep(port: number, kind: 'long' | 'idle' | 'trx', n: number): void {
  const run = async (): Promise<void> => {
    const c = await createConnection({ host: '127.0.0.1', port, user: DEMO_USER, password: DEMO_PASSWORD, database: 'shop' });
    c.on('error', () => undefined);
    try {
      if (kind === 'long') {
        for (;;)
          await c.query(LONG_QUERIES[n % LONG_QUERIES.length]!).catch((err: { errno?: number }) => {
            if (err.errno !== 1317) throw err; // KILL QUERY: run it again on the same connection
          });
      } else if (kind === 'trx') {
        await c.query('START TRANSACTION');
        await c.query('INSERT INTO shop.orders (amount) VALUES (42.00)');
      }
      await new Promise((resolve) => c.once('end', resolve));
    } catch {
      // closed from the console (KILL): open a new one shortly
    } finally {
      c.destroy();
    }
    setTimeout(() => void run(), 2000);
  };
  void run();
}

async function main(): Promise<void> {
  for (const port of TENANTS) {
    await prepare(port);
    for (let i = 0; i < 3; i++) keep(port, 'long', i);
    for (let i = 0; i < 5; i++) keep(port, 'idle', i);
    keep(port, 'trx', 0);
  }
  process.stdout.write(`Demo workload running on ${TENANTS.map((p) => `127.0.0.1:${p}`).join(', ')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo workload failed: ${(err as Error).message}\n`);
  process.exit(1);
});
