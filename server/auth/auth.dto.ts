import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, MaxLength, MinLength } from 'class-validator';

export class LoginDto {
  @ApiProperty()
  @IsString()
  @Length(1, 64)
  username: string;

  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  currentPassword: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MinLength(10, { message: 'newPassword must be at least 10 characters long' })
  @MaxLength(256)
  newPassword: string;
}

export class MeUserDto {
  @ApiProperty() id: number;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty() mustChangePassword: boolean;
}

export class MeGrantDto {
  @ApiProperty({ enum: ['all', 'cluster', 'tenant'] }) scope: 'all' | 'cluster' | 'tenant';
  @ApiProperty() resourceId: number;
  @ApiProperty({ enum: ['read_only', 'operate'] }) level: 'read_only' | 'operate';
}

export class MeRoleDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
}

export class MeDto {
  @ApiProperty({ type: MeUserDto }) user: MeUserDto;
  @ApiProperty({ type: [MeRoleDto] }) roles: MeRoleDto[];
  @ApiProperty({ type: [String] }) menus: string[];
  @ApiProperty({ type: [MeGrantDto] }) grants: MeGrantDto[];
  @ApiProperty({ description: 'Administrator: operate everywhere' }) allAccess: boolean;
  @ApiProperty({ description: 'Read-only whatever the grants say (auditors)' }) readOnly: boolean;
  @ApiProperty({ enum: ['enterprise', 'community'] }) edition: 'enterprise' | 'community';
  @ApiProperty() csrfToken: string;
}
