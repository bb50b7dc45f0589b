import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { PageQuery } from '../common/pagination';
import { Omittable } from '../common/validation';
import type { GrantLevel, GrantScope, GrantSubject } from './grant.entity';

export const GRANT_SUBJECTS: readonly GrantSubject[] = ['user', 'role'];
export const GRANT_SCOPES: readonly GrantScope[] = ['all', 'cluster', 'tenant'];
export const GRANT_LEVELS: readonly GrantLevel[] = ['read_only', 'operate'];

export class GrantQuery extends PageQuery {
  @ApiPropertyOptional({ enum: GRANT_SUBJECTS })
  @Omittable()
  @IsIn(GRANT_SUBJECTS)
  subjectType?: GrantSubject;

  @ApiPropertyOptional()
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2147483647)
  subjectId?: number;

  @ApiPropertyOptional({ enum: GRANT_SCOPES })
  @Omittable()
  @IsIn(GRANT_SCOPES)
  scope?: GrantScope;

  @ApiPropertyOptional({ description: 'cluster or tenant id; 0 for scope all' })
  @Omittable()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2147483647)
  resourceId?: number;
}

export class GrantDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: GRANT_SUBJECTS }) subjectType: GrantSubject;
  @ApiProperty() subjectId: number;
  @ApiProperty({ type: String, nullable: true, description: 'user name or role name' }) subjectName: string | null;
  @ApiProperty({ enum: GRANT_SCOPES, description: 'all: every cluster; a cluster grant covers its tenants' }) scope: GrantScope;
  @ApiProperty({ description: 'cluster or tenant id; 0 for scope all' }) resourceId: number;
  @ApiProperty({ type: String, nullable: true, description: '"*" for scope all; null when the resource no longer exists' })
  resourceName: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'the cluster of a tenant grant' }) clusterId: number | null;
  @ApiProperty({ enum: GRANT_LEVELS }) level: GrantLevel;
  @ApiProperty({ description: 'ISO 8601' }) createdAt: string;
}

export class GrantPageDto {
  @ApiProperty({ type: [GrantDto] }) items: GrantDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class CreateGrantDto {
  @ApiProperty({ enum: GRANT_SUBJECTS })
  @IsIn(GRANT_SUBJECTS)
  subjectType: GrantSubject;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  subjectId: number;

  @ApiProperty({ enum: GRANT_SCOPES })
  @IsIn(GRANT_SCOPES)
  scope: GrantScope;

  @ApiPropertyOptional({ description: 'cluster or tenant id; omitted or 0 for scope all' })
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(2147483647)
  resourceId?: number;

  @ApiProperty({ enum: GRANT_LEVELS })
  @IsIn(GRANT_LEVELS)
  level: GrantLevel;
}
