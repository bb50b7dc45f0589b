import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createConnection } from 'mysql2/promise';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Polls `ready` until it resolves true; fails when the process exits or the deadline passes. */
export async function waitFor(what: string, ready: () => Promise<boolean>, proc?: ChildProcess, timeoutMs = 30000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

/** A throw-away Redis server of its own, for tests that stop and start it. */
export class RedisServer {
  proc?: ChildProcess;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePort());
    await s.start();
    return s;
  }

  async start(): Promise<void> {
    // already running: a second server on the same port would fail and orphan this one
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) return;
    this.proc = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    await waitFor(
      'redis-server',
      async () => {
        const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        try {
          await r.connect();
          return (await r.ping()) === 'PONG';
        } finally {
          r.disconnect();
        }
      },
      this.proc,
    );
  }

  async stop(): Promise<void> {
    if (this.proc) await stopProcess(this.proc);
  }
}

/** A throw-away MariaDB server of its own (datadir in a temp folder), for tests that stop it. */
export class MariaDbServer {
  proc?: ChildProcess;
  readonly dir: string;
  /**
   * @param args extra server options, e.g. `--version=5.7.25-OceanBase_CE-v4.2.1.2` so that
   *   VERSION() (and the handshake) report another product's version string
   */
  constructor(
    readonly port: number,
    private readonly args: string[] = [],
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'so-mariadb-'));
  }

  static async start(args: string[] = []): Promise<MariaDbServer> {
    const s = new MariaDbServer(await freePort(), args);
    const datadir = join(s.dir, 'data');
    spawnSync('chown', ['mysql:mysql', s.dir]);
    const init = spawnSync(
      'mariadb-install-db',
      ['--no-defaults', '--user=mysql', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db'],
      { encoding: 'utf8' },
    );
    if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stderr}`);
    await s.start();
    const c = await createConnection({ socketPath: join(s.dir, 'mysqld.sock'), user: 'root' });
    await c.query("CREATE USER 'sessionops'@'127.0.0.1' IDENTIFIED BY 'sessionops'");
    await c.query("GRANT ALL PRIVILEGES ON *.* TO 'sessionops'@'127.0.0.1' WITH GRANT OPTION");
    await c.end();
    return s;
  }

  async start(): Promise<void> {
    const bin = spawnSync('sh', ['-c', 'command -v mariadbd || echo /usr/sbin/mariadbd'], { encoding: 'utf8' }).stdout.trim();
    this.proc = spawn(
      bin,
      [
        '--no-defaults',
        '--user=mysql',
        `--datadir=${join(this.dir, 'data')}`,
        `--socket=${join(this.dir, 'mysqld.sock')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        '--skip-name-resolve',
        '--max-connections=200',
        '--innodb-buffer-pool-size=16M',
        `--log-error=${join(this.dir, 'error.log')}`,
        ...this.args,
      ],
      { stdio: 'ignore' },
    );
    await waitFor(
      'mariadbd',
      async () => {
        const c = await createConnection({ socketPath: join(this.dir, 'mysqld.sock'), user: 'root', connectTimeout: 500 });
        await c.end();
        return true;
      },
      this.proc,
    );
  }

  async stop(): Promise<void> {
    if (this.proc) await stopProcess(this.proc);
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
