import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { MenuKey } from './menus';

@Entity({ name: 'roles' })
export class Role {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 64, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  description: string;

  @Column({ type: 'boolean', default: false })
  builtin: boolean;

  /** Administrator: every menu and operate on every resource. */
  @Column({ name: 'all_access', type: 'boolean', default: false })
  allAccess: boolean;

  /** Auditor: read-only whatever the grants say. */
  @Column({ name: 'read_only', type: 'boolean', default: false })
  readOnly: boolean;

  @Column({ type: 'simple-json' })
  menus: MenuKey[];
}
