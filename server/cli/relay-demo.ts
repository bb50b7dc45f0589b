import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FakeAnthropic } from '../../test/fixtures/fake-anthropic';
import { hashPassword } from '../auth/password';
import { createDataSource } from '../common/database';
import { loadConfig } from '../config/config';
import { hashSecret, KEY_SECRET_PREFIX } from '../relay/keys/relay-keys.service';
import { seal } from '../tenants/credential-vault';

/**
 * The relay's demo: two local fake providers, a few relay users with keys, and traffic shaped
 * like coding agents (multi-turn sessions, streaming and JSON, some long streams, parallel
 * sub-agents) so the relay's session pages have live sessions. Runs until it is stopped.
 */
const USERS = ['alice', 'bob', 'carol'];
const KEYS_FILE = resolve('.stack/relay-demo-keys.json');
const MODELS = ['claude-sonnet-4-6', 'claude-opus-4-5', 'claude-haiku-4-5'];

const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

async function main(): Promise<void> {
  const config = loadConfig();
  const base = `http://127.0.0.1:${config.port}`;
  const primary = await FakeAnthropic.start('demo-primary-key', 3091);
  const backup = await FakeAnthropic.start('demo-backup-key', 3092);
  primary.record = false;
  backup.record = false;

  const ds = createDataSource(config.databaseUrl);
  await ds.initialize();
  // the console creates "admin" at its first start
  for (;;) {
    const [admin] = await ds.query<{ id: number }[]>("SELECT id FROM users WHERE username = 'admin'");
    if (admin) break;
    await wait(500);
  }
  for (const [name, fake, priority] of [
    ['demo-primary', primary, 10],
    ['demo-backup', backup, 1],
  ] as const) {
    await ds.query(
      `INSERT INTO relay_providers (name, base_url, api_key_enc, priority, weight, models, max_sessions, enabled)
       VALUES (?, ?, ?, ?, 1, '[]', 0, 1) ON DUPLICATE KEY UPDATE base_url = VALUES(base_url), api_key_enc = VALUES(api_key_enc)`,
      [name, fake.url, seal(config.masterKey, fake.apiKey), priority],
    );
  }
  const [role] = await ds.query<{ id: number }[]>("SELECT id FROM roles WHERE name = 'Relay user'");
  const known = existsSync(KEYS_FILE) ? (JSON.parse(readFileSync(KEYS_FILE, 'utf8')) as Record<string, string>) : {};
  const secrets: Record<string, string> = {};
  for (const username of ['admin', ...USERS]) {
    let [user] = await ds.query<{ id: number }[]>('SELECT id FROM users WHERE username = ?', [username]);
    if (!user) {
      await ds.query('INSERT INTO users (username, display_name, password_hash) VALUES (?, ?, ?)', [
        username,
        username,
        await hashPassword(randomBytes(18).toString('base64url')),
      ]);
      [user] = await ds.query<{ id: number }[]>('SELECT id FROM users WHERE username = ?', [username]);
      if (role) await ds.query('INSERT IGNORE INTO user_roles (user_id, role_id) VALUES (?, ?)', [user!.id, role.id]);
    }
    const old = known[username];
    const [row] = old ? await ds.query<{ id: number }[]>('SELECT id FROM relay_keys WHERE secret_hash = ?', [hashSecret(old)]) : [];
    if (old && row) {
      secrets[username] = old;
      continue;
    }
    const secret = KEY_SECRET_PREFIX + randomBytes(32).toString('base64url');
    await ds.query('INSERT INTO relay_keys (user_id, name, prefix, secret_hash) VALUES (?, ?, ?, ?)', [
      user!.id,
      `${username}-demo`,
      secret.slice(0, 12),
      hashSecret(secret),
    ]);
    secrets[username] = secret;
  }
  writeFileSync(KEYS_FILE, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  await ds.destroy();
  console.log(`relay demo: fake providers on ${primary.url} and ${backup.url}`);
  console.log(`relay demo: point a real client at the relay with`);
  console.log(`  ANTHROPIC_BASE_URL=${base} ANTHROPIC_API_KEY=${secrets.admin} claude`);
  console.log(`relay demo: keys of the demo users are in ${KEYS_FILE}`);

  for (;;) {
    try {
      if ((await fetch(`${base}/api/health`)).status < 500) break;
    } catch {
      // not listening yet
    }
    await wait(500);
  }

  const send = async (secret: string, sessionUserId: string, turn: number, opts: { stream: boolean; long: boolean; model: string }) => {
    const messages = Array.from({ length: turn * 2 + 1 }, (_, i) => ({ role: i % 2 === 0 ? 'user' : 'assistant', content: `turn ${i}` }));
    const res = await fetch(`${base}/v1/messages?beta=true`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
        'x-api-key': secret,
        'user-agent': 'claude-cli/2.0.0 (demo traffic)',
        ...(opts.long
          ? { 'x-fake-chunks': '150', 'x-fake-chunk-delay-ms': '200' }
          : { 'x-fake-chunks': '12', 'x-fake-chunk-delay-ms': '50' }),
        'x-fake-usage': JSON.stringify({
          input_tokens: 200 + Math.floor(Math.random() * 2000),
          output_tokens: 50 + Math.floor(Math.random() * 800),
          cache_creation_input_tokens: 1000,
          cache_read_input_tokens: 5000 * turn,
          cache_creation: { ephemeral_5m_input_tokens: 800, ephemeral_1h_input_tokens: 200 },
        }),
      },
      body: JSON.stringify({ model: opts.model, max_tokens: 1024, stream: opts.stream, metadata: { user_id: sessionUserId }, messages }),
    });
    await res.arrayBuffer();
  };

  const agent = async (username: string): Promise<void> => {
    for (;;) {
      const uuid = randomUUID();
      const sessionUserId = `user_${username}_account__session_${uuid}`;
      const model = pick(MODELS);
      const turns = 3 + Math.floor(Math.random() * 8);
      for (let turn = 0; turn < turns; turn++) {
        const long = Math.random() < 0.15;
        await send(secrets[username]!, sessionUserId, turn, { stream: Math.random() < 0.7, long, model }).catch(() => undefined);
        await wait(1000 + Math.random() * 4000);
      }
      await wait(2000 + Math.random() * 8000);
    }
  };
  await Promise.all(USERS.flatMap((u) => [agent(u), agent(u)]));
}

void main().catch((err: unknown) => {
  console.error(`relay demo stopped: ${(err as Error).message}`);
  process.exit(1);
});
