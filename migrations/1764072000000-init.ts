import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts, roles, grants and the append-only audit trail. */
export class Init1764072000000 implements MigrationInterface {
  name = 'Init1764072000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id INT AUTO_INCREMENT PRIMARY KEY,
      username VARCHAR(64) NOT NULL,
      display_name VARCHAR(128) NOT NULL DEFAULT '',
      password_hash VARCHAR(255) NOT NULL,
      enabled TINYINT(1) NOT NULL DEFAULT 1,
      must_change_password TINYINT(1) NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_users_username (username)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE roles (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(64) NOT NULL,
      description VARCHAR(255) NOT NULL DEFAULT '',
      builtin TINYINT(1) NOT NULL DEFAULT 0,
      all_access TINYINT(1) NOT NULL DEFAULT 0,
      read_only TINYINT(1) NOT NULL DEFAULT 0,
      menus TEXT NOT NULL,
      UNIQUE KEY uq_roles_name (name)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await q.query(`CREATE TABLE user_roles (
      user_id INT NOT NULL,
      role_id INT NOT NULL,
      PRIMARY KEY (user_id, role_id),
      KEY ix_user_roles_role (role_id),
      CONSTRAINT fk_user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
      CONSTRAINT fk_user_roles_role FOREIGN KEY (role_id) REFERENCES roles (id) ON DELETE CASCADE
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE grants (
      id INT AUTO_INCREMENT PRIMARY KEY,
      subject_type VARCHAR(8) NOT NULL,
      subject_id INT NOT NULL,
      scope VARCHAR(8) NOT NULL,
      resource_id INT NOT NULL DEFAULT 0,
      level VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      UNIQUE KEY uq_grants (subject_type, subject_id, scope, resource_id),
      KEY ix_grants_resource (scope, resource_id)
    ) ENGINE=InnoDB`);
    await q.query(`CREATE TABLE audit_log (
      id BIGINT AUTO_INCREMENT PRIMARY KEY,
      at DATETIME(3) NOT NULL,
      actor_id INT NULL,
      actor_name VARCHAR(64) NOT NULL,
      actor_ip VARCHAR(64) NOT NULL DEFAULT '',
      action VARCHAR(64) NOT NULL,
      cluster_id INT NULL,
      tenant_id INT NULL,
      session_id VARCHAR(128) NULL,
      target TEXT NULL,
      result VARCHAR(16) NOT NULL,
      error_code VARCHAR(64) NULL,
      message VARCHAR(1024) NULL,
      KEY ix_audit_at (at),
      KEY ix_audit_actor (actor_name, at),
      KEY ix_audit_tenant (tenant_id, at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    // Append-only, enforced by the database itself.
    await q.query(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only'`);
    await q.query(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW
      SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only'`);
    const roles: [string, string, number, number, string[]][] = [
      [
        'Administrator',
        'Every menu; operate on every cluster and tenant',
        1,
        0,
        ['diagnosis.sessions', 'tenant.sessions', 'relay.sessions', 'audit.read', 'admin.users', 'admin.tenants'],
      ],
      ['DBA', 'Both session menus; read or operate as granted', 0, 0, ['diagnosis.sessions', 'tenant.sessions']],
      ['Auditor', 'Session menus and the audit trail; never operates', 0, 1, ['diagnosis.sessions', 'tenant.sessions', 'audit.read']],
      ['Relay user', 'No console menus; own relay sessions through the API', 0, 0, []],
    ];
    for (const [name, description, allAccess, readOnly, menus] of roles) {
      await q.query('INSERT INTO roles (name, description, builtin, all_access, read_only, menus) VALUES (?, ?, 1, ?, ?, ?)', [
        name,
        description,
        allAccess,
        readOnly,
        JSON.stringify(menus),
      ]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_log');
    await q.query('DROP TABLE grants');
    await q.query('DROP TABLE user_roles');
    await q.query('DROP TABLE roles');
    await q.query('DROP TABLE users');
  }
}
