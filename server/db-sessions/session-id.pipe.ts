import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../common/errors';
import { isSessionId } from './db-sessions.dto';

/** A session id route parameter: decimal, 0..2^63-1, kept as a string. */
@Injectable()
export class SessionIdPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!isSessionId(value)) {
      throw new AppError('VALIDATION_FAILED', 'sessionId must be a decimal integer from 0 to 9223372036854775807', {
        fields: [{ field: meta.data ?? 'sessionId', problems: ['must be a decimal integer from 0 to 9223372036854775807'] }],
      });
    }
    return value;
  }
}
