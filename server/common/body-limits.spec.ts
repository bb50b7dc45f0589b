import { BodyTooComplexError, checkJsonBounds, JsonBoundsScanner } from './body-limits';

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

describe('JsonBoundsScanner', () => {
  it('gives the same answer whatever the chunks, escapes split across them included', () => {
    const text = `{"a":"\\"[[[[[[","b":[[[[1]]]]}`;
    const whole = () => checkJsonBounds(Buffer.from(text), { maxDepth: 4, maxNodes: 10 });
    expect(whole).toThrow(/deeper than 4/);
    for (let cut = 1; cut < text.length; cut++) {
      const s = new JsonBoundsScanner({ maxDepth: 4, maxNodes: 10 });
      expect(() => {
        s.feed(Buffer.from(text.slice(0, cut)));
        s.feed(Buffer.from(text.slice(cut)));
      }).toThrow(/deeper than 4/);
    }
    const ok = `{"a":"\\"[[[[[[","b":[[[1]]]}`;
    for (let cut = 1; cut < ok.length; cut++) {
      const s = new JsonBoundsScanner({ maxDepth: 4, maxNodes: 10 });
      s.feed(Buffer.from(ok.slice(0, cut)));
      expect(() => s.feed(Buffer.from(ok.slice(cut)))).not.toThrow();
    }
  });
});
