// Generated from the server's OpenAPI document by `npm run api:types`. Do not edit.

export interface ChangePasswordDto {
  currentPassword: string;
  newPassword: string;
}

export interface ComponentHealth {
  status: "ok" | "down";
  latencyMs?: number;
  error?: string;
}

export interface HealthDto {
  status: "ok" | "degraded";
  db: ComponentHealth;
  redis: ComponentHealth;
}

export interface LoginDto {
  username: string;
  password: string;
}

export interface MeDto {
  user: MeUserDto;
  roles: MeRoleDto[];
  menus: string[];
  grants: MeGrantDto[];
  /** Administrator: operate everywhere */
  allAccess: boolean;
  /** Read-only whatever the grants say (auditors) */
  readOnly: boolean;
  edition: "enterprise" | "community";
  csrfToken: string;
}

export interface MeGrantDto {
  scope: "all" | "cluster" | "tenant";
  resourceId: number;
  level: "read_only" | "operate";
}

export interface MeRoleDto {
  id: number;
  name: string;
}

export interface MeUserDto {
  id: number;
  username: string;
  displayName: string;
  mustChangePassword: boolean;
}
