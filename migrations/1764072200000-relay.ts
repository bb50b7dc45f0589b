import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Relay API keys (secret stored as a SHA-256) and providers (API key sealed with AES-256-GCM). */
export class Relay1764072200000 implements MigrationInterface {
  name = 'Relay1764072200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE relay_keys (
      id INT AUTO_INCREMENT PRIMARY KEY,
      user_id INT NOT NULL,
      name VARCHAR(64) NOT NULL,
      prefix VARCHAR(16) NOT NULL,
      secret_hash CHAR(64) NOT NULL,
      enabled TINYINT(1) NOT NULL DEFAULT 1,
      expires_at DATETIME(3) NULL,
      last_used_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_relay_keys_secret (secret_hash),
      KEY ix_relay_keys_user (user_id),
      CONSTRAINT fk_relay_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE relay_providers (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(64) NOT NULL,
      base_url VARCHAR(512) NOT NULL,
      api_key_enc TEXT NOT NULL,
      priority INT NOT NULL DEFAULT 0,
      weight INT NOT NULL DEFAULT 1,
      models TEXT NOT NULL,
      max_sessions INT NOT NULL DEFAULT 0,
      enabled TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_relay_providers_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE relay_providers');
    await q.query('DROP TABLE relay_keys');
  }
}
