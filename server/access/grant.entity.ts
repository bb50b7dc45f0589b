import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type GrantSubject = 'user' | 'role';
export type GrantScope = 'all' | 'cluster' | 'tenant';
export type GrantLevel = 'read_only' | 'operate';

/** (user | role) × (all clusters | cluster | tenant) × (read_only | operate). */
@Entity({ name: 'grants' })
export class Grant {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'subject_type', type: 'varchar', length: 8 })
  subjectType: GrantSubject;

  @Column({ name: 'subject_id', type: 'int' })
  subjectId: number;

  @Column({ type: 'varchar', length: 8 })
  scope: GrantScope;

  /** Cluster or tenant id; 0 for scope `all`. */
  @Column({ name: 'resource_id', type: 'int', default: 0 })
  resourceId: number;

  @Column({ type: 'varchar', length: 16 })
  level: GrantLevel;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;
}
