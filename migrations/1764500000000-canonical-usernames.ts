import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User names are stored in canonical form (trimmed, lower case; they are ASCII by rule, so NFKC
 * changes nothing more). The unique index compares case-insensitively already, so no two existing
 * names can collide.
 */
export class CanonicalUsernames1764500000000 implements MigrationInterface {
  name = 'CanonicalUsernames1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('UPDATE users SET username = LOWER(TRIM(username)) WHERE username <> BINARY LOWER(TRIM(username))');
  }

  async down(): Promise<void> {
    // The original spelling is not kept; canonical names work with the earlier code as well.
  }
}
