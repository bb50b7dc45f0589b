import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { canonicalUsername } from '../auth/username';
import { PageQuery } from '../common/pagination';
import { Omittable } from '../common/validation';

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{2,64}$/;

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'part of the user name or display name' })
  @Omittable()
  @IsString()
  @MaxLength(64)
  q?: string;
}

export class UserRoleDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty() mustChangePassword: boolean;
  @ApiProperty({ type: [UserRoleDto] }) roles: UserRoleDto[];
  @ApiProperty({ description: 'ISO 8601' }) createdAt: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class CreateUserDto {
  @ApiProperty({
    pattern: USERNAME_PATTERN.source,
    minLength: 2,
    maxLength: 64,
    description: 'stored in canonical form: Unicode NFKC, trimmed, lower case',
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && value.length <= 256 ? canonicalUsername(value) : value))
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 2 to 64 letters, digits, ".", "_" or "-"' })
  username: string;

  @ApiPropertyOptional({ maxLength: 128 })
  @Omittable()
  @Transform(trim)
  @IsString()
  @MaxLength(128)
  displayName?: string;

  @ApiProperty({ type: [Number] })
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2147483647, { each: true })
  roleIds: number[];

  @ApiPropertyOptional({
    minLength: 10,
    description: 'omitted: a password is generated, answered once, and must be changed at first sign-in',
  })
  @Omittable()
  @IsString()
  @MinLength(10, { message: 'password must be at least 10 characters long' })
  @MaxLength(256)
  password?: string;

  @ApiPropertyOptional({
    description:
      'whether the user must change the password at first sign-in; omitted: true for a generated password, false for a given one (a generated password always must be changed)',
  })
  @Omittable()
  @IsBoolean()
  mustChangePassword?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ maxLength: 128 })
  @Omittable()
  @Transform(trim)
  @IsString()
  @MaxLength(128)
  displayName?: string;

  @ApiPropertyOptional({ description: 'false ends every console session of the user at once' })
  @Omittable()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ type: [Number], description: 'replaces the user’s roles' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(64)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(2147483647, { each: true })
  roleIds?: number[];
}

export class CreatedUserDto {
  @ApiProperty({ type: UserDto }) user: UserDto;
  @ApiPropertyOptional({ description: 'the generated password, answered only this once' }) initialPassword?: string;
}

export class InitialPasswordDto {
  @ApiProperty({ description: 'answered only this once; must be changed at next sign-in' }) initialPassword: string;
}
