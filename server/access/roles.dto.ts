import { Omittable } from '../common/validation';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsBoolean, IsIn, IsString, Length, MaxLength } from 'class-validator';
import { MENUS, MenuKey } from './menus';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const MENU_MESSAGE = `each menu must be one of ${MENUS.join(', ')}`;

export class RoleDto {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty() description: string;
  @ApiProperty({ description: 'built-in roles cannot be changed or deleted' }) builtin: boolean;
  @ApiProperty({ description: 'every menu and operate on every resource (Administrator)' }) allAccess: boolean;
  @ApiProperty({ description: 'read-only whatever the grants say (Auditor)' }) readOnly: boolean;
  @ApiProperty({ type: [String], enum: MENUS }) menus: MenuKey[];
  @ApiProperty({ description: 'users holding the role' }) userCount: number;
}

export class RolePageDto {
  @ApiProperty({ type: [RoleDto] }) items: RoleDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class MenuListDto {
  @ApiProperty({ type: [String], enum: MENUS, description: 'menus that exist in this edition' }) menus: MenuKey[];
}

export class CreateRoleDto {
  @ApiProperty({ minLength: 1, maxLength: 64 })
  @Transform(trim)
  @IsString()
  @Length(1, 64)
  name: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Omittable()
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiProperty({ type: [String], enum: MENUS })
  @IsArray()
  @ArrayUnique()
  @IsIn(MENUS, { each: true, message: MENU_MESSAGE })
  menus: MenuKey[];

  @ApiPropertyOptional({ description: 'never operate, whatever the grants say' })
  @Omittable()
  @IsBoolean()
  readOnly?: boolean;
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @Omittable()
  @Transform(trim)
  @IsString()
  @Length(1, 64)
  name?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Omittable()
  @Transform(trim)
  @IsString()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({ type: [String], enum: MENUS })
  @Omittable()
  @IsArray()
  @ArrayUnique()
  @IsIn(MENUS, { each: true, message: MENU_MESSAGE })
  menus?: MenuKey[];

  @ApiPropertyOptional()
  @Omittable()
  @IsBoolean()
  readOnly?: boolean;
}
