import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type ClusterKind = 'oceanbase' | 'mysql';

@Entity({ name: 'clusters' })
export class Cluster {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ClusterKind;

  @Column({ type: 'varchar', length: 255, default: '' })
  description: string;

  /** Optional sys-tenant connection of an OceanBase cluster. */
  @Column({ name: 'sys_host', type: 'varchar', length: 255, nullable: true })
  sysHost: string | null;

  @Column({ name: 'sys_port', type: 'int', nullable: true })
  sysPort: number | null;

  @Column({ name: 'sys_user', type: 'varchar', length: 128, nullable: true })
  sysUser: string | null;

  /** AES-256-GCM sealed; never leaves the server. */
  @Column({ name: 'sys_password_enc', type: 'text', nullable: true, select: true })
  sysPasswordEnc: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
