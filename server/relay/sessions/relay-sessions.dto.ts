import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import type {
  RelayRequestDetail,
  RelayRequestShownStatus,
  RelayRequestSummary,
  RelaySessionDetail,
  RelaySessionState,
  RelaySessionSummary,
  TerminateOutcome,
  TerminateResult,
} from '../relay.types';
import { SESSION_ID_PATTERN } from './relay-session.keys';

export const RELAY_PAGE_SIZE = 20;
export const MAX_TERMINATE_BATCH = 200;
/** raw ids accepted before duplicates are folded (the limit applies to distinct ids) */
export const MAX_TERMINATE_IDS_RAW = 1000;
const STATUSES: RelayRequestShownStatus[] = ['in_progress', 'completed', 'error', 'interrupted'];

export class RelaySessionListQuery {
  @ApiPropertyOptional({ enum: ['active', 'inactive'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'inactive'], { message: 'state must be active or inactive' })
  state: RelaySessionState = 'active';

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1)
  @Max(1_000_000)
  page: number = 1;
}

export class RelayRequestListQuery {
  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: 'order must be asc or desc' })
  order: 'asc' | 'desc' = 'asc';

  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be an integer' })
  @Min(1)
  @Max(1_000_000)
  page: number = 1;
}

export class TerminateSessionsDto {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_TERMINATE_IDS_RAW,
    description: `at most ${MAX_TERMINATE_BATCH} distinct ids; duplicates are folded`,
  })
  @IsArray()
  @ArrayMinSize(1, { message: 'ids must name at least one session' })
  @ArrayMaxSize(MAX_TERMINATE_IDS_RAW, { message: `ids may name at most ${MAX_TERMINATE_BATCH} sessions` })
  @IsString({ each: true })
  @Matches(SESSION_ID_PATTERN, {
    each: true,
    message: 'each id must be 1 to 256 characters of letters, digits, ".", "_", ":" or "-"',
  })
  ids: string[];
}

export class RelaySessionDto implements RelaySessionSummary {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['active', 'inactive'] }) state: RelaySessionState;
  @ApiProperty() userId: number;
  @ApiProperty() userName: string;
  @ApiProperty() keyId: number;
  @ApiProperty() keyName: string;
  @ApiProperty({ type: Number, nullable: true }) providerId: number | null;
  @ApiProperty({ type: String, nullable: true }) providerName: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
  @ApiProperty() requests: number;
  @ApiProperty({ description: 'requests in flight now' }) inFlight: number;
  @ApiProperty() inputTokens: number;
  @ApiProperty() outputTokens: number;
  @ApiProperty() cacheCreationTokens: number;
  @ApiProperty() cacheReadTokens: number;
  @ApiProperty({ description: 'integer micro-units of currency' }) costMicros: number;
  @ApiProperty() currency: string;
  @ApiProperty() firstRequestAt: string;
  @ApiProperty() lastRequestAt: string;
  @ApiProperty({ description: 'sum of request durations' }) durationMs: number;
  @ApiProperty({
    enum: STATUSES,
    nullable: true,
    description: 'interrupted: recorded in progress, its lease lapsed (its instance stopped)',
  })
  lastStatus: RelayRequestShownStatus | null;
}

export class RelayProviderRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class RelaySessionDetailDto extends RelaySessionDto implements RelaySessionDetail {
  @ApiProperty({ description: 'where the session id came from' }) idSource: string;
  @ApiProperty({ type: [RelayProviderRefDto] }) providers: RelayProviderRefDto[];
  @ApiProperty({ type: [String] }) models: string[];
  @ApiProperty({ description: 'STORE_SESSION_MESSAGES: whether headers and bodies are kept' }) messagesStored: boolean;
  @ApiProperty({ description: 'terminated by an administrator or its owner; the data stays until it expires' }) terminated: boolean;
}

export class RelaySessionPageDto {
  @ApiProperty({ type: [RelaySessionDto] }) items: RelaySessionDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class RelayRequestDto implements RelayRequestSummary {
  @ApiProperty() seq: number;
  @ApiProperty() startedAt: string;
  @ApiProperty({ type: String, nullable: true }) endedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
  @ApiProperty({ type: Number, nullable: true }) providerId: number | null;
  @ApiProperty({ type: String, nullable: true }) providerName: string | null;
  @ApiProperty({ enum: STATUSES, description: 'interrupted: recorded in progress, its lease lapsed (its instance stopped)' })
  status: RelayRequestShownStatus;
  @ApiProperty({ type: Number, nullable: true }) statusCode: number | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs: number | null;
  @ApiProperty() stream: boolean;
  @ApiProperty() inputTokens: number;
  @ApiProperty() outputTokens: number;
  @ApiProperty() cacheCreationTokens: number;
  @ApiProperty() cacheReadTokens: number;
  @ApiProperty() costMicros: number;
  @ApiProperty({ type: String, nullable: true }) userAgent: string | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

export class RelayRequestPageDto {
  @ApiProperty({ type: [RelayRequestDto] }) items: RelayRequestDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class RelayTruncatedDto {
  @ApiProperty() requestBody: boolean;
  @ApiProperty() responseBody: boolean;
}

export class RelayRequestDetailDto extends RelayRequestDto implements RelayRequestDetail {
  @ApiProperty() messagesStored: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'one "name: value" per line, secrets masked' }) requestHeaders: string | null;
  @ApiProperty({ type: String, nullable: true }) requestBody: string | null;
  @ApiProperty({ type: String, nullable: true }) responseHeaders: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'JSON text; for a stream the raw SSE text' }) responseBody: string | null;
  @ApiProperty({ type: RelayTruncatedDto }) truncated: RelayTruncatedDto;
}

export class TerminateItemDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['terminated', 'unauthorized', 'missing', 'failed'] }) outcome: TerminateOutcome;
  @ApiPropertyOptional() message?: string;
}

export class TerminateResultDto implements TerminateResult {
  @ApiProperty() terminated: number;
  @ApiProperty({ description: 'skipped: not the caller’s session' }) unauthorized: number;
  @ApiProperty({ description: 'skipped: expired or unknown' }) missing: number;
  @ApiProperty({ description: 'e.g. Redis unavailable' }) failed: number;
  @ApiProperty({ type: [TerminateItemDto] }) results: TerminateItemDto[];
}
