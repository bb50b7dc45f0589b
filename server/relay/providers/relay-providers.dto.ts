import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { RelayProviderView } from '../relay.types';

const NAME = /^[\w.\- ]{1,64}$/u;
const MODEL = /^[\w.:@/-]{1,128}$/u;

export class RelayProviderDto implements RelayProviderView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() baseUrl: string;
  @ApiProperty() hasApiKey: boolean;
  @ApiProperty() priority: number;
  @ApiProperty() weight: number;
  @ApiProperty({ type: [String], description: 'empty: every model' }) models: string[];
  @ApiProperty({ description: 'distinct active sessions; 0 = unlimited' }) maxSessions: number;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ enum: ['closed', 'open', 'half_open'] }) circuit: 'closed' | 'open' | 'half_open';
  @ApiProperty({ description: 'active sessions bound to the provider now; -1 when Redis is unavailable' }) activeSessions: number;
}

export class RelayProviderListDto {
  @ApiProperty({ type: [RelayProviderDto] }) items: RelayProviderDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class CreateRelayProviderDto {
  @ApiProperty() @IsString() @Matches(NAME, { message: 'name must be 1 to 64 letters, digits, spaces, ".", "-" or "_"' }) name: string;

  @ApiProperty({ example: 'https://api.anthropic.com' })
  @IsString()
  @MaxLength(512)
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i, { message: 'baseUrl must be an http(s) URL' })
  baseUrl: string;

  @ApiProperty({ description: 'sent upstream as x-api-key; never returned' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiKey: string;

  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(-1000) @Max(1000) priority?: number;
  @ApiPropertyOptional({ default: 1 }) @IsOptional() @IsInt() @Min(1) @Max(1000) weight?: number;

  @ApiPropertyOptional({ type: [String], default: [] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(MODEL, { each: true, message: 'each model must be a model name' })
  models?: string[];

  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(1000000) maxSessions?: number;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateRelayProviderDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(NAME, { message: 'name must be 1 to 64 letters, digits, spaces, ".", "-" or "_"' })
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/i, { message: 'baseUrl must be an http(s) URL' })
  baseUrl?: string;

  @ApiPropertyOptional({ description: 'replaces the stored key' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  apiKey?: string;

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(-1000) @Max(1000) priority?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) @Max(1000) weight?: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(MODEL, { each: true, message: 'each model must be a model name' })
  models?: string[];

  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(1000000) maxSessions?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}
