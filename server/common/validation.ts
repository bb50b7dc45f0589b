import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';
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
