import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import type { AuditResult } from './audit.entity';

export const AUDIT_RESULTS: readonly AuditResult[] = ['ok', 'denied', 'not_found', 'failed'];

/** Filters of the audit list and of its CSV export. */
export class AuditFilterQuery {
  @ApiPropertyOptional({ description: 'ISO 8601; rows at or after this instant', example: '2025-01-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 date or date-time' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; rows at or before this instant', example: '2025-01-31T23:59:59Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 date or date-time' })
  to?: string;

  @ApiPropertyOptional({ description: "the actor's user name or display name (exact)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actor?: string;

  @ApiPropertyOptional({ description: 'action name (exact), e.g. auth.login, user.create, session.kill' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2147483647)
  tenantId?: number;

  @ApiPropertyOptional({ description: "part of the tenant's name" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tenant?: string;

  @ApiPropertyOptional({ description: "part of the cluster's name" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cluster?: string;

  @ApiPropertyOptional({ enum: AUDIT_RESULTS })
  @IsOptional()
  @IsIn(AUDIT_RESULTS)
  result?: AuditResult;
}

export class AuditQuery extends IntersectionType(AuditFilterQuery, PageQuery) {}

export class AuditDto {
  @ApiProperty({ description: 'row id (64-bit, as a string)' }) id: string;
  @ApiProperty({ description: 'ISO 8601' }) at: string;
  @ApiProperty({ type: Number, nullable: true }) actorId: number | null;
  @ApiProperty({ description: 'user name recorded with the row' }) actorName: string;
  @ApiProperty({ type: String, nullable: true, description: "the actor's display name now; null when none or the user is gone" })
  actorDisplayName: string | null;
  @ApiProperty({ description: 'the actor user no longer exists (or the row names no user)' }) actorDeleted: boolean;
  @ApiProperty() actorIp: string;
  @ApiProperty() action: string;
  @ApiProperty({ type: Number, nullable: true }) clusterId: number | null;
  @ApiProperty({ type: Number, nullable: true }) tenantId: number | null;
  @ApiProperty({ type: String, nullable: true, description: "the cluster's name now, else as recorded; null when unknown" })
  clusterName: string | null;
  @ApiProperty({ description: 'the row names a cluster that no longer exists' }) clusterDeleted: boolean;
  @ApiProperty({ type: String, nullable: true, description: "the tenant's name now, else as recorded; null when unknown" })
  tenantName: string | null;
  @ApiProperty({ description: 'the row names a tenant that no longer exists' }) tenantDeleted: boolean;
  @ApiProperty({ type: String, nullable: true }) sessionId: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'what the action was about' })
  target: Record<string, unknown> | null;
  @ApiProperty({ enum: AUDIT_RESULTS }) result: AuditResult;
  @ApiProperty({ type: String, nullable: true }) errorCode: string | null;
  @ApiProperty({ type: String, nullable: true }) message: string | null;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditDto] }) items: AuditDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}
