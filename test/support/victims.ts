import { createConnection, type Connection } from 'mysql2/promise';
import { STACK } from './stack';

/** A MariaDB account on the stack's tenant A whose connections the tests list and close. */
export interface VictimAccount {
  user: string;
  password: string;
  /** a database of its own, holding an InnoDB table `t (id INT PRIMARY KEY)` */
  database: string;
}

/** Runs statements, in order, as the stack's privileged account on tenant A. */
export async function asTenantRoot(sql: string[]): Promise<void> {
  const c = await createConnection({ ...STACK.tenantA });
  try {
    for (const s of sql) await c.query(s);
  } finally {
    await c.end();
  }
}

/** Creates the account afresh (dropping a leftover one), with its database and table. */
export async function createVictimAccount(v: VictimAccount): Promise<void> {
  await asTenantRoot([
    `DROP USER IF EXISTS '${v.user}'@'127.0.0.1'`,
    `CREATE USER '${v.user}'@'127.0.0.1' IDENTIFIED BY '${v.password}'`,
    `CREATE DATABASE IF NOT EXISTS ${v.database}`,
    `CREATE TABLE IF NOT EXISTS ${v.database}.t (id INT PRIMARY KEY) ENGINE=InnoDB`,
    `GRANT ALL ON ${v.database}.* TO '${v.user}'@'127.0.0.1'`,
  ]);
}

export async function dropVictimAccount(v: VictimAccount): Promise<void> {
  await asTenantRoot([`DROP DATABASE IF EXISTS ${v.database}`, `DROP USER IF EXISTS '${v.user}'@'127.0.0.1'`]);
}

/** A new connection of the account to tenant A, in its database. */
export async function connectVictim(v: VictimAccount): Promise<Connection> {
  return createConnection({ host: STACK.tenantA.host, port: STACK.tenantA.port, user: v.user, password: v.password, database: v.database });
}

/** Whether the server has closed the connection (a query on it fails). */
export async function isClosed(c: Connection): Promise<boolean> {
  return c.query('SELECT 1').then(
    () => false,
    () => true,
  );
}
