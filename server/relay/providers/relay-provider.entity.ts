import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** An upstream speaking the Anthropic Messages API. The API key is sealed with the credential vault. */
@Entity({ name: 'relay_providers' })
export class RelayProvider {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ name: 'base_url', type: 'varchar', length: 512 })
  baseUrl: string;

  /** AES-256-GCM sealed; never leaves the server. */
  @Column({ name: 'api_key_enc', type: 'text' })
  apiKeyEnc: string;

  /** higher first */
  @Column({ type: 'int', default: 0 })
  priority: number;

  @Column({ type: 'int', default: 1 })
  weight: number;

  /** JSON array of model names; empty serves every model */
  @Column({ type: 'text' })
  models: string;

  /** distinct active sessions; 0 = unlimited */
  @Column({ name: 'max_sessions', type: 'int', default: 0 })
  maxSessions: number;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
