import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsDateString, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import type { RelayKeyView } from '../relay.types';

export class RelayKeyDto implements RelayKeyView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'first characters of the secret' }) prefix: string;
  @ApiProperty() userId: number;
  @ApiProperty() userName: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: String, nullable: true }) expiresAt: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ type: String, nullable: true }) lastUsedAt: string | null;
}

export class RelayKeyPageDto {
  @ApiProperty({ type: [RelayKeyDto] }) items: RelayKeyDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class RelayKeyCreatedDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() prefix: string;
  @ApiProperty({ description: 'shown once; only a hash is stored' }) secret: string;
  @ApiProperty({ type: RelayKeyDto }) key: RelayKeyDto;
}

export class CreateRelayKeyDto {
  @ApiProperty({ maxLength: 64 })
  @IsString()
  @Matches(/^[\p{L}\p{N}\p{P}\p{S} ]{1,64}$/u, { message: 'name must be 1 to 64 printable characters' })
  name: string;

  @ApiPropertyOptional({ description: 'owner; administrators only (default: the caller)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2147483647)
  userId?: number;

  @ApiPropertyOptional({ description: 'ISO-8601 time after which the key stops working' })
  @IsOptional()
  @IsDateString({ strict: true })
  expiresAt?: string;
}

export class UpdateRelayKeyDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;

  @ApiPropertyOptional({ maxLength: 64 })
  @IsOptional()
  @IsString()
  @Matches(/^[\p{L}\p{N}\p{P}\p{S} ]{1,64}$/u, { message: 'name must be 1 to 64 printable characters' })
  name?: string;
}

export class RelayKeyListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'administrators: only this user' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  userId?: number;
}
