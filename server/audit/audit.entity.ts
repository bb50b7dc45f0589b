import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AuditResult = 'ok' | 'denied' | 'not_found' | 'failed';

export interface AuditTarget {
  user?: string;
  host?: string;
  db?: string | null;
  sql?: string | null;
  [key: string]: unknown;
}

/** Append-only: the database refuses UPDATE and DELETE on this table (triggers). */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'datetime', precision: 3 })
  at: Date;

  @Column({ name: 'actor_id', type: 'int', nullable: true })
  actorId: number | null;

  @Column({ name: 'actor_name', type: 'varchar', length: 64 })
  actorName: string;

  @Column({ name: 'actor_ip', type: 'varchar', length: 64, default: '' })
  actorIp: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ name: 'cluster_id', type: 'int', nullable: true })
  clusterId: number | null;

  @Column({ name: 'tenant_id', type: 'int', nullable: true })
  tenantId: number | null;

  @Column({ name: 'session_id', type: 'varchar', length: 128, nullable: true })
  sessionId: string | null;

  @Column({ type: 'simple-json', nullable: true })
  target: AuditTarget | null;

  @Column({ type: 'varchar', length: 16 })
  result: AuditResult;

  @Column({ name: 'error_code', type: 'varchar', length: 64, nullable: true })
  errorCode: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  message: string | null;
}
