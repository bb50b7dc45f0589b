import { Injectable, PipeTransform, ArgumentMetadata } from '@nestjs/common';
import { AppError } from './errors';

/**
 * A positive integer route parameter (metadata ids), for every route: decimal digits only, no sign,
 * no leading zero, no hex, exponent, fraction or white space, at most 2147483647.
 */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, meta: ArgumentMetadata): number {
    if (typeof value !== 'string' || !/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2147483647) {
      throw new AppError('VALIDATION_FAILED', `${meta.data ?? 'id'} must be a positive integer`, {
        fields: [{ field: meta.data ?? 'id', problems: ['must be a positive integer'] }],
      });
    }
    return Number(value);
  }
}
