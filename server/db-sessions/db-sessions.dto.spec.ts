import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { KillDto } from './db-sessions.dto';

function parse(json: string): { dto: KillDto; errors: string[] } {
  const dto = plainToInstance(KillDto, JSON.parse(json) as object);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
  return { dto, errors };
}

describe('KillDto session ids', () => {
  it('accepts JSON integers up to 2^53-1 and answers them as strings', () => {
    const { dto, errors } = parse('{"ids":[123, 0, 9007199254740991, "42"],"scope":"session"}');
    expect(errors).toEqual([]);
    expect(dto.ids).toEqual(['123', '0', '9007199254740991', '42']);
  });

  it('accepts decimal strings up to 2^63-1', () => {
    const { dto, errors } = parse('{"ids":["9223372036854775807"],"scope":"query"}');
    expect(errors).toEqual([]);
    expect(dto.ids).toEqual(['9223372036854775807']);
  });

  it.each([
    ['a number past 2^53-1 (already rounded by JSON)', '[9007199254740993]'],
    ['a negative number', '[-1]'],
    ['a fraction', '[1.5]'],
    ['an exponent that is not an integer id', '[1e300]'],
    ['a boolean', '[true]'],
    ['null', '[null]'],
    ['a string past 2^63-1', '["9223372036854775808"]'],
    ['a signed string', '["+1"]'],
  ])('refuses %s', (_what, ids) => {
    expect(parse(`{"ids":${ids},"scope":"session"}`).errors).toEqual(['ids']);
  });
});
