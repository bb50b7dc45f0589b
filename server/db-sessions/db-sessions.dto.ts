import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

export const MAX_KILL_BATCH = 500;
const MAX_SESSION_ID = 9223372036854775807n;

/** A session id: a decimal integer from 0 to 2^63-1. */
@ValidatorConstraint({ name: 'sessionId' })
export class SessionIdConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    const ids = Array.isArray(value) ? value : [value];
    return ids.every((v) => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_SESSION_ID);
  }
  defaultMessage(): string {
    return 'session ids must be decimal strings from 0 to 9223372036854775807 or JSON integers from 0 to 9007199254740991';
  }
}

/**
 * `expect` of a kill: an object naming only ids of the batch, each with a bounded user and source
 * and nothing else. Checked without walking anything larger than the batch.
 */
@ValidatorConstraint({ name: 'killExpect' })
export class KillExpectConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    if (value === undefined) return true;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const ids = (args.object as { ids?: unknown }).ids;
    const named = new Set(Array.isArray(ids) ? ids.map((v) => String(v)) : []);
    const keys = Object.keys(value);
    if (keys.length > MAX_KILL_BATCH) return false;
    return keys.every((k) => {
      const seen = (value as Record<string, unknown>)[k];
      if (!named.has(k) || typeof seen !== 'object' || seen === null || Array.isArray(seen)) return false;
      const fields = Object.keys(seen);
      const { user, source } = seen as { user?: unknown; source?: unknown };
      return (
        fields.every((f) => f === 'user' || f === 'source') &&
        typeof user === 'string' &&
        user.length <= 128 &&
        typeof source === 'string' &&
        source.length <= 300
      );
    });
  }
  defaultMessage(): string {
    return 'expect must map ids of this batch to { user (at most 128 characters), source (at most 300 characters) }';
  }
}

export function isSessionId(v: string): boolean {
  return new SessionIdConstraint().validate(v);
}

/**
 * Session ids in a JSON body: decimal strings, or JSON integers a script wrote as numbers. A number
 * is exact only up to 2^53-1 (JSON.parse already rounded anything larger), so only safe
 * non-negative integers become strings; every other value is left for the validator to refuse.
 */
export function sessionIdsFromJson({ value }: { value: unknown }): unknown {
  if (!Array.isArray(value)) return value;
  return value.map((v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : v));
}

export const SORT_FIELDS = [
  'time',
  'id',
  'user',
  'source',
  'db',
  'command',
  'state',
  'tenant',
  'sql',
  'sqlId',
  'server',
  'proxy',
  'transaction',
  'activity',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

const toBool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

export class SessionListQuery {
  @ApiPropertyOptional({ description: 'exact session id' })
  @IsOptional()
  @Validate(SessionIdConstraint)
  sessionId?: string;

  @ApiPropertyOptional({ description: 'user contains (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(128) user?: string;
  @ApiPropertyOptional({ description: 'source contains (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(128) source?: string;
  @ApiPropertyOptional({ description: 'database contains (case-insensitive)' }) @IsOptional() @IsString() @MaxLength(128) db?: string;

  @ApiPropertyOptional() @IsOptional() @Transform(toBool) @IsBoolean() activeOnly?: boolean;

  @ApiPropertyOptional({ description: 'field:asc|desc', example: 'time:desc' })
  @IsOptional()
  @Matches(new RegExp(`^(${SORT_FIELDS.join('|')}):(asc|desc)$`), {
    message: `sort must be one of ${SORT_FIELDS.join(', ')} followed by :asc or :desc`,
  })
  sort?: string;

  @ApiPropertyOptional({ description: 'cluster level only: one tenant' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  tenantId?: number;

  @ApiPropertyOptional({ description: 'only sessions whose transaction has been open at least this many seconds' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(31536000)
  minTransactionSeconds?: number;

  @ApiPropertyOptional({ default: 1 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) page: number = 1;
  @ApiPropertyOptional({ default: 50, maximum: 10000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(10000) pageSize: number =
    50;
}

export class SessionRowDto {
  @ApiProperty() id: string;
  @ApiProperty() tenantId: number;
  @ApiPropertyOptional() tenantName?: string;
  @ApiProperty({ type: String, nullable: true }) sql: string | null;
  @ApiProperty() sqlTruncated: boolean;
  @ApiProperty({ type: String, nullable: true }) sqlId: string | null;
  @ApiProperty() user: string;
  @ApiProperty() source: string;
  @ApiProperty({ type: String, nullable: true }) db: string | null;
  @ApiProperty() command: string;
  @ApiProperty() timeSeconds: number;
  @ApiProperty() state: string;
  @ApiProperty() active: boolean;
  @ApiProperty({ type: String, nullable: true }) server: string | null;
  @ApiProperty({ type: String, nullable: true }) proxy: string | null;
  @ApiProperty({ type: String, nullable: true }) transactionState: string | null;
  @ApiProperty() system: boolean;
  @ApiProperty({ description: "one of the console's own connections: never killable" }) console: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true } })
  extras: Record<string, string | number | null>;
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionRowDto] }) items: SessionRowDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty({ description: 'when the processlist was read' }) fetchedAt: string;
}

export class TenantErrorDto {
  @ApiProperty() tenantId: number;
  @ApiProperty() tenantName: string;
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class ClusterTenantRefDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: ['mysql', 'mariadb', 'oceanbase', 'tidb', 'unknown'] }) dialect:
    'mysql' | 'mariadb' | 'oceanbase' | 'tidb' | 'unknown';
  @ApiProperty({ enum: ['operate', 'read_only'], nullable: true }) level: 'operate' | 'read_only' | null;
}

export class ClusterSessionPageDto extends SessionPageDto {
  @ApiProperty({ type: [TenantErrorDto] }) errors: TenantErrorDto[];
  @ApiProperty({ type: [ClusterTenantRefDto] }) tenants: ClusterTenantRefDto[];
}

export class SeenSessionDto {
  @ApiProperty() @IsString() @MaxLength(128) user: string;
  @ApiProperty() @IsString() @MaxLength(300) source: string;
}

export class KillDto {
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { type: 'string', pattern: '^\\d{1,19}$' },
        { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
      ],
    },
    maxItems: MAX_KILL_BATCH,
    minItems: 1,
    description: 'session ids: decimal strings (up to 2^63-1) or JSON integers (up to 2^53-1); results name them as strings',
  })
  @Transform(sessionIdsFromJson)
  @IsArray()
  @ArrayMinSize(1, { message: 'ids must name at least one session' })
  @ArrayMaxSize(MAX_KILL_BATCH, { message: `ids may name at most ${MAX_KILL_BATCH} sessions` })
  @Validate(SessionIdConstraint)
  ids: string[];

  @ApiProperty({ enum: ['session', 'query'] }) @IsIn(['session', 'query']) scope: 'session' | 'query';

  @ApiPropertyOptional({
    description: 'what the caller saw for each id; a session whose user or source differs now is not killed (changed)',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/SeenSessionDto' },
  })
  @IsOptional()
  @IsObject()
  @Validate(KillExpectConstraint)
  expect?: Record<string, SeenSessionDto>;
}

export class KillResultDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['killed', 'not_found', 'changed', 'refused', 'failed'] }) outcome:
    'killed' | 'not_found' | 'changed' | 'refused' | 'failed';
  @ApiPropertyOptional() code?: string;
  @ApiPropertyOptional() message?: string;
}

export class KillResponseDto {
  @ApiProperty({ type: [KillResultDto] }) results: KillResultDto[];
}

export const RECORD_POLICIES = ['ALL', 'ONLY_SLOW_QUERY', 'SAMPLE_AND_SLOW_QUERY'] as const;

export class TraceConfigDto {
  @ApiProperty({ minimum: 1, maximum: 3 }) @IsInt() @Min(1) @Max(3) level: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) sampleRate: number;
  @ApiProperty({ enum: RECORD_POLICIES }) @IsIn(RECORD_POLICIES) recordPolicy: (typeof RECORD_POLICIES)[number];
}

export class TraceStateDto {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ type: Number, nullable: true }) level: number | null;
  @ApiProperty({ type: Number, nullable: true }) sampleRate: number | null;
  @ApiProperty({ type: String, nullable: true }) recordPolicy: string | null;
}
