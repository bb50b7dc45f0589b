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

  @ApiPropertyOptional({ description: 'user name of the actor (exact)' })
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
  @ApiProperty() actorName: string;
  @ApiProperty() actorIp: string;
  @ApiProperty() action: string;
  @ApiProperty({ type: Number, nullable: true }) clusterId: number | null;
  @ApiProperty({ type: Number, nullable: true }) tenantId: number | null;
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
