import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from '../../common/errors';
import { SESSION_ID_PATTERN } from './relay-session.keys';

/** A relay session id route parameter (SESSION_ID_PATTERN). */
@Injectable()
export class RelaySessionIdPipe implements PipeTransform<string, string> {
  transform(value: string, meta: ArgumentMetadata): string {
    if (!SESSION_ID_PATTERN.test(value)) {
      const problem = 'must be 1 to 256 characters of letters, digits, ".", "_", ":" or "-"';
      throw new AppError('VALIDATION_FAILED', `${meta.data ?? 'id'} ${problem}`, {
        fields: [{ field: meta.data ?? 'id', problems: [problem] }],
      });
    }
    return value;
  }
}

/** A request's sequence number within its session: a positive integer. */
@Injectable()
export class RelaySeqPipe implements PipeTransform<string, number> {
  transform(value: string, meta: ArgumentMetadata): number {
    if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2 ** 31) {
      const problem = 'must be a positive integer';
      throw new AppError('VALIDATION_FAILED', `${meta.data ?? 'seq'} ${problem}`, {
        fields: [{ field: meta.data ?? 'seq', problems: [problem] }],
      });
    }
    return Number(value);
  }
}
