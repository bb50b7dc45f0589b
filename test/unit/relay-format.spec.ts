import { formatDuration, relativeAge, shortId } from '../../web/src/features/relay/format';
import { looksLikeSse, parseSse, reassemble } from '../../web/src/features/relay/sse';

const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe('relay console: stream reassembly', () => {
  const stream =
    event('message_start', {
      message: { id: 'm1', role: 'assistant', model: 'claude', content: [], usage: { input_tokens: 10, output_tokens: 1 } },
    }) +
    event('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }) +
    event('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }) +
    event('content_block_stop', { index: 0 }) +
    event('content_block_start', { index: 1, content_block: { type: 'text', text: '' } }) +
    event('content_block_delta', { index: 1, delta: { type: 'text_delta', text: 'Hello' } }) +
    event('content_block_delta', { index: 1, delta: { type: 'text_delta', text: ', world' } }) +
    event('content_block_stop', { index: 1 }) +
    event('content_block_start', { index: 2, content_block: { type: 'tool_use', id: 't1', name: 'ls', input: {} } }) +
    event('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: '{"pa' } }) +
    event('content_block_delta', { index: 2, delta: { type: 'input_json_delta', partial_json: 'th":"/"}' } }) +
    event('content_block_stop', { index: 2 }) +
    event('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 42 } }) +
    event('message_stop', {});

  it('rebuilds text, thinking and tool input, with message_delta usage winning', () => {
    expect(looksLikeSse(stream)).toBe(true);
    expect(looksLikeSse('{"type":"message"}')).toBe(false);
    const events = parseSse(stream);
    expect(events).toHaveLength(14);
    expect(reassemble(events)).toEqual({
      id: 'm1',
      role: 'assistant',
      model: 'claude',
      stop_reason: 'tool_use',
      usage: { input_tokens: 10, output_tokens: 42 },
      content: [
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'Hello, world' },
        { type: 'tool_use', id: 't1', name: 'ls', input: { path: '/' } },
      ],
    });
  });

  it('keeps an error event and survives a stream cut mid-way', () => {
    const cut =
      stream.slice(0, stream.indexOf('event: content_block_stop')) +
      event('error', { error: { type: 'overloaded_error', message: 'busy' } });
    const m = reassemble(parseSse(cut))!;
    expect(m.error).toEqual({ type: 'overloaded_error', message: 'busy' });
    expect(m.content).toEqual([{ type: 'thinking', thinking: 'hmm' }]);
    expect(reassemble(parseSse('data: not json\n\n'))).toBeNull();
  });
});

describe('relay console: figures', () => {
  it('formats relative ages as <1m, 5m, 2h, 1d', () => {
    const now = Date.parse('2026-01-02T12:00:00Z');
    const ago = (ms: number) => new Date(now - ms).toISOString();
    expect(relativeAge(ago(30_000), now)).toEqual({ unit: 'now', n: 0 });
    expect(relativeAge(ago(5 * 60_000), now)).toEqual({ unit: 'minutes', n: 5 });
    expect(relativeAge(ago(2 * 3_600_000 + 1), now)).toEqual({ unit: 'hours', n: 2 });
    expect(relativeAge(ago(26 * 3_600_000), now)).toEqual({ unit: 'days', n: 1 });
  });

  it('formats durations and cuts ids to 16 characters', () => {
    expect([formatDuration(850), formatDuration(12_340), formatDuration(245_000), formatDuration(7_380_000), formatDuration(null)]).toEqual(
      ['850ms', '12.3s', '4m 05s', '2h 03m', '—'],
    );
    expect(shortId('0123456789abcdefXYZ')).toBe('0123456789abcdef');
    expect(shortId('short')).toBe('short');
  });
});
