import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Omittable } from '../common/validation';

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,253})$|^\[?[0-9A-Fa-f:]+\]?$/;
const ADDRESS = /^[A-Za-z0-9.:[\]-]{1,253}:\d{1,5}$/;
const NAME = /^[\w.-]{1,64}$/u;

export class CapabilitiesDto {
  @ApiProperty({
    enum: [
      'information_schema.PROCESSLIST',
      'performance_schema.processlist',
      'oceanbase.GV$OB_PROCESSLIST',
      'information_schema.CLUSTER_PROCESSLIST',
    ],
  })
  processlistSource: string;
  @ApiProperty() nativeSqlId: boolean;
  @ApiProperty() fullLinkTrace: boolean;
  @ApiProperty() killViaServer: boolean;
}

export class TenantHealthDto {
  @ApiProperty({ enum: ['up', 'down', 'unknown'] }) status: 'up' | 'down' | 'unknown';
  @ApiProperty({ type: Number, nullable: true }) latencyMs: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: String, nullable: true }) checkedAt: string | null;
}

export class ClusterDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['oceanbase', 'mysql'] }) kind: 'oceanbase' | 'mysql';
  @ApiProperty() description: string;
  @ApiProperty({ type: String, nullable: true }) sysHost: string | null;
  @ApiProperty({ type: Number, nullable: true }) sysPort: number | null;
  @ApiProperty({ type: String, nullable: true }) sysUser: string | null;
  @ApiProperty() hasSysPassword: boolean;
  @ApiProperty() tenantCount: number;
  @ApiProperty({ enum: ['operate', 'read_only'], nullable: true }) level: 'operate' | 'read_only' | null;
  @ApiProperty() createdAt: string;
}

export class ClusterPageDto {
  @ApiProperty({ type: [ClusterDto] }) items: ClusterDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class TenantDto {
  @ApiProperty() id: number;
  @ApiProperty() clusterId: number;
  @ApiProperty() clusterName: string;
  @ApiProperty() name: string;
  @ApiProperty() host: string;
  @ApiProperty() port: number;
  @ApiProperty() username: string;
  @ApiProperty() hasPassword: boolean;
  @ApiProperty({ type: String, nullable: true }) proxyAddress: string | null;
  @ApiProperty({ type: [String] }) directServers: string[];
  @ApiProperty({ enum: ['mysql', 'mariadb', 'oceanbase', 'tidb', 'unknown'] }) dialect:
    'mysql' | 'mariadb' | 'oceanbase' | 'tidb' | 'unknown';
  @ApiProperty() version: string;
  @ApiProperty({ type: CapabilitiesDto, nullable: true }) capabilities: CapabilitiesDto | null;
  @ApiProperty({ type: TenantHealthDto }) health: TenantHealthDto;
  @ApiProperty({ enum: ['operate', 'read_only'], nullable: true }) level: 'operate' | 'read_only' | null;
  @ApiProperty() createdAt: string;
}

export class TenantPageDto {
  @ApiProperty({ type: [TenantDto] }) items: TenantDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class PrivilegesDto {
  @ApiProperty() process: boolean;
  @ApiProperty() kill: boolean;
  @ApiProperty({ type: [String] }) grants: string[];
}

export class TestErrorDto {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class TestResultDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: Number, nullable: true }) latencyMs: number | null;
  @ApiProperty({ type: String, nullable: true }) dialect: string | null;
  @ApiProperty({ type: String, nullable: true }) version: string | null;
  @ApiProperty({ type: CapabilitiesDto, nullable: true }) capabilities: CapabilitiesDto | null;
  @ApiProperty({ type: PrivilegesDto, nullable: true }) privileges: PrivilegesDto | null;
  @ApiProperty({ type: [String] }) messages: string[];
  @ApiPropertyOptional({ type: TestErrorDto }) error?: TestErrorDto;
}

export class TenantSavedDto {
  @ApiProperty({ type: TenantDto }) tenant: TenantDto;
  @ApiProperty({ type: TestResultDto }) test: TestResultDto;
}

export class CreateClusterDto {
  @ApiProperty() @IsString() @Matches(NAME, { message: 'name must be 1-64 letters, digits, ".", "-" or "_"' }) name: string;
  @ApiProperty({ enum: ['oceanbase', 'mysql'] }) @IsIn(['oceanbase', 'mysql']) kind: 'oceanbase' | 'mysql';
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(255) description?: string;
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(253)
  @Matches(HOST, { message: 'sysHost must be a host name or IP address' })
  sysHost?: string;
  @ApiPropertyOptional() @Omittable() @IsInt() @Min(1) @Max(65535) sysPort?: number;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 128) sysUser?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(256) sysPassword?: string;
}

export class UpdateClusterDto {
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @Matches(NAME, { message: 'name must be 1-64 letters, digits, ".", "-" or "_"' })
  name?: string;
  @ApiPropertyOptional({ enum: ['oceanbase', 'mysql'] }) @Omittable() @IsIn(['oceanbase', 'mysql']) kind?: 'oceanbase' | 'mysql';
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(255) description?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @Matches(HOST, { message: 'sysHost must be a host name or IP address' })
  sysHost?: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(65535) sysPort?: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @Length(1, 128) sysUser?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'omit to keep the stored password; null or empty to clear it' })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  sysPassword?: string | null;
}

export class TenantConnectionDto {
  @ApiProperty() @IsString() @Matches(NAME, { message: 'name must be 1-64 letters, digits, ".", "-" or "_"' }) name: string;
  @ApiProperty() @IsString() @MaxLength(253) @Matches(HOST, { message: 'host must be a host name or IP address' }) host: string;
  @ApiProperty() @IsInt() @Min(1) @Max(65535) port: number;
  @ApiProperty() @IsString() @Length(1, 128) username: string;
  @ApiProperty() @IsString() @MaxLength(256) password: string;
}

export class CreateTenantDto extends TenantConnectionDto {
  @ApiProperty() @IsInt() @Min(1) @Max(2147483647) clusterId: number;
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(260)
  @Matches(ADDRESS, { message: 'proxyAddress must be host:port' })
  proxyAddress?: string;
  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(260, { each: true })
  @Matches(ADDRESS, { each: true, message: 'each directServers entry must be host:port' })
  directServers?: string[];
}

export class UpdateTenantDto {
  @ApiPropertyOptional() @Omittable() @IsInt() @Min(1) @Max(2147483647) clusterId?: number;
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @Matches(NAME, { message: 'name must be 1-64 letters, digits, ".", "-" or "_"' })
  name?: string;
  @ApiPropertyOptional()
  @Omittable()
  @IsString()
  @MaxLength(253)
  @Matches(HOST, { message: 'host must be a host name or IP address' })
  host?: string;
  @ApiPropertyOptional() @Omittable() @IsInt() @Min(1) @Max(65535) port?: number;
  @ApiPropertyOptional() @Omittable() @IsString() @Length(1, 128) username?: string;
  @ApiPropertyOptional({ description: 'omit to keep the stored password' }) @Omittable() @IsString() @MaxLength(256) password?: string;
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(260)
  @Matches(ADDRESS, { message: 'proxyAddress must be host:port' })
  proxyAddress?: string | null;
  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MaxLength(260, { each: true })
  @Matches(ADDRESS, { each: true, message: 'each directServers entry must be host:port' })
  directServers?: string[];
}

export class TenantListQuery extends PageQuery {
  @ApiPropertyOptional() @Omittable() @Type(() => Number) @IsInt() @Min(1) @Max(2147483647) clusterId?: number;
}
