import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Clusters and tenants, credentials sealed with AES-256-GCM. */
export class Tenants1764072100000 implements MigrationInterface {
  name = 'Tenants1764072100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE clusters (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(64) NOT NULL,
      kind VARCHAR(16) NOT NULL,
      description VARCHAR(255) NOT NULL DEFAULT '',
      sys_host VARCHAR(255) NULL,
      sys_port INT NULL,
      sys_user VARCHAR(128) NULL,
      sys_password_enc TEXT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_clusters_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE tenants (
      id INT AUTO_INCREMENT PRIMARY KEY,
      cluster_id INT NOT NULL,
      name VARCHAR(64) NOT NULL,
      host VARCHAR(255) NOT NULL,
      port INT NOT NULL,
      username VARCHAR(128) NOT NULL,
      password_enc TEXT NOT NULL,
      proxy_address VARCHAR(255) NULL,
      direct_servers TEXT NOT NULL,
      dialect VARCHAR(16) NOT NULL DEFAULT 'unknown',
      version VARCHAR(128) NOT NULL DEFAULT '',
      capabilities TEXT NULL,
      health_status VARCHAR(8) NOT NULL DEFAULT 'unknown',
      health_latency_ms INT NULL,
      health_error VARCHAR(1024) NULL,
      health_checked_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_tenants_cluster_name (cluster_id, name),
      CONSTRAINT fk_tenants_cluster FOREIGN KEY (cluster_id) REFERENCES clusters (id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE tenants');
    await q.query('DROP TABLE clusters');
  }
}
