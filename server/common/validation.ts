import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidateIf } from 'class-validator';
import { AppError } from './errors';

/** The most problems one error body lists. */
export const MAX_PROBLEMS = 20;

export interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Validates every DTO; an invalid request answers VALIDATION_FAILED naming each offending field. */
/**
 * Route parameters keep their raw text here: each has its own pipe (IdPipe, SessionIdPipe) that
 * checks that text strictly. Converting first would let "0x9", "9e0", " 9" or "01" pass as 9.
 */
class AppValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'param') return value;
    return super.transformPrimitive(value, metadata);
  }

  /** A body whose scalar fields hold objects or arrays is refused before anything walks them. */
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const bad = nonScalarFields(metadata.metatype, value as Record<string, unknown>);
      if (bad.length) {
        const problem = 'must be a single value, not an object or an array';
        throw new AppError('VALIDATION_FAILED', bad.map((f) => `${f} ${problem}`).join('; '), {
          fields: bad.map((field) => ({ field, problems: [`${field} ${problem}`] })),
        });
      }
    }
    return super.transform(value, metadata);
  }
}

/** class-validator checks that only a single value (string, number, boolean) can pass. */
const SCALAR_CHECKS = new Set([
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'matches',
  'isLength',
  'maxLength',
  'minLength',
  'isIn',
  'min',
  'max',
  'isIso8601',
  'isEnum',
]);
const scalarFieldsOf = new WeakMap<object, string[]>();

/** The DTO's fields that only a single value can satisfy (per class, computed once). */
export function scalarFields(metatype: NonNullable<ArgumentMetadata['metatype']>): string[] {
  let fields = scalarFieldsOf.get(metatype);
  if (!fields) {
    const metas = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
    const props = new Set(metas.map((m) => m.propertyName));
    fields = [...props].filter((prop) => {
      const own = metas.filter((m) => m.propertyName === prop);
      const scalar = own.some((m) => !m.each && m.name !== undefined && SCALAR_CHECKS.has(m.name));
      const structured = own.some((m) => m.each || m.name === 'isArray' || m.name === 'isObject' || m.type === 'nestedValidation');
      return scalar && !structured;
    });
    scalarFieldsOf.set(metatype, fields);
  }
  return fields;
}

function nonScalarFields(metatype: NonNullable<ArgumentMetadata['metatype']>, body: Record<string, unknown>): string[] {
  return scalarFields(metatype)
    .filter((f) => Object.prototype.hasOwnProperty.call(body, f) && typeof body[f] === 'object' && body[f] !== null)
    .slice(0, MAX_PROBLEMS);
}

export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const all = flatten(errors);
      // An error body lists at most MAX_PROBLEMS fields, however many the request got wrong.
      const fields = all
        .slice(0, MAX_PROBLEMS)
        .map((f) => ({ field: f.field.slice(0, 128), problems: f.problems.slice(0, 5).map((x) => x.slice(0, 256)) }));
      const more = all.length > fields.length ? `; and ${all.length - fields.length} more problems` : '';
      const message = fields.map((f) => f.problems.join(', ')).join('; ') + more;
      return new AppError('VALIDATION_FAILED', message || 'Invalid request', { fields, ...(more ? { truncated: true } : {}) });
    },
  });
}

/**
 * The field may be omitted, but null is refused (class-validator's IsOptional lets null through,
 * which would reach the database as a missing required value). Fields that mean something by
 * null keep IsOptional.
 */
export function Omittable(): PropertyDecorator {
  return ValidateIf((_o: object, v: unknown) => v !== undefined);
}
