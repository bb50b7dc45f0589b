import { BodyTooComplexError, checkJsonBounds } from './body-limits';

describe('checkJsonBounds', () => {
  const bounds = { maxDepth: 4, maxNodes: 10 };
  const check = (text: string) => () => checkJsonBounds(Buffer.from(text), bounds);

  it('accepts bodies within the bounds', () => {
    expect(check('{"a":[1,2,3],"b":{"c":"d"}}')).not.toThrow();
    expect(check('[[[[]]]]')).not.toThrow();
  });

  it('refuses nesting deeper than the bound', () => {
    expect(check('[[[[[]]]]]')).toThrow(BodyTooComplexError);
    expect(check('{"a":{"b":{"c":{"d":{}}}}}')).toThrow(/deeper than 4/);
  });

  it('refuses more values than the bound', () => {
    expect(check(`[${Array.from({ length: 12 }, (_, i) => i).join(',')}]`)).toThrow(/more than 10 values/);
  });

  it('ignores brackets and commas inside strings, escaped quotes included', () => {
    expect(check(`{"a":"[[[[[[,,,,,,,,,,,,,,]]]]]]","b":"\\"[[[[[[[\\""}`)).not.toThrow();
  });
});
