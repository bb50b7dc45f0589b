import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A relay user's API key. Only a SHA-256 of the secret is stored; the secret is shown once. */
@Entity({ name: 'relay_keys' })
export class RelayKey {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'int' })
  @Index('ix_relay_keys_user')
  userId: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  /** first characters of the secret, to recognise it */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** hex SHA-256 of the secret */
  @Column({ name: 'secret_hash', type: 'char', length: 64, unique: true })
  secretHash: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
