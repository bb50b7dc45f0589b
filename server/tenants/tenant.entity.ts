import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Capabilities, Dialect } from './dialect';

export type HealthStatus = 'up' | 'down' | 'unknown';

@Entity({ name: 'tenants' })
export class Tenant {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'cluster_id', type: 'int' })
  clusterId: number;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  host: string;

  @Column({ type: 'int' })
  port: number;

  @Column({ type: 'varchar', length: 128 })
  username: string;

  /** AES-256-GCM sealed; never leaves the server. */
  @Column({ name: 'password_enc', type: 'text' })
  passwordEnc: string;

  /** OBProxy address `host:port`, when sessions go through one. */
  @Column({ name: 'proxy_address', type: 'varchar', length: 255, nullable: true })
  proxyAddress: string | null;

  /** Direct OBServer addresses `host:port` for kills and trace configuration. */
  @Column({ name: 'direct_servers', type: 'simple-json' })
  directServers: string[];

  @Column({ type: 'varchar', length: 16, default: 'unknown' })
  dialect: Dialect | 'unknown';

  @Column({ type: 'varchar', length: 128, default: '' })
  version: string;

  @Column({ type: 'simple-json', nullable: true })
  capabilities: Capabilities | null;

  @Column({ name: 'health_status', type: 'varchar', length: 8, default: 'unknown' })
  healthStatus: HealthStatus;

  @Column({ name: 'health_latency_ms', type: 'int', nullable: true })
  healthLatencyMs: number | null;

  @Column({ name: 'health_error', type: 'varchar', length: 1024, nullable: true })
  healthError: string | null;

  @Column({ name: 'health_checked_at', type: 'datetime', precision: 3, nullable: true })
  healthCheckedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
