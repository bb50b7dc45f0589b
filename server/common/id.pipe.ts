import { Injectable, PipeTransform, ArgumentMetadata } from '@nestjs/common';
import { AppError } from './errors';

/** A positive integer route parameter (metadata ids). */
@Injectable()
export class IdPipe implements PipeTransform<string, number> {
  transform(value: string, meta: ArgumentMetadata): number {
    if (!/^[1-9]\d{0,8}$/.test(value)) {
      throw new AppError('VALIDATION_FAILED', `${meta.data ?? 'id'} must be a positive integer`, {
        fields: [{ field: meta.data ?? 'id', problems: ['must be a positive integer'] }],
      });
    }
    return Number(value);
  }
}
