/** Server-sent events of the Messages API: parse the raw text, and reassemble the message. */

export interface SseEvent {
  event: string;
  data: string;
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return events;
}

export function looksLikeSse(text: string): boolean {
  return /^(event|data):/m.test(text.slice(0, 200));
}

type Json = Record<string, unknown>;

/**
 * The message a stream describes: `message_start` gives the envelope, content blocks are built
 * from their deltas (text, JSON input, thinking), `message_delta` sets the stop reason and usage.
 */
export function reassemble(events: SseEvent[]): Json | null {
  let message: Json | null = null;
  const blocks: Json[] = [];
  const partialJson: string[] = [];
  for (const e of events) {
    let d: Json;
    try {
      d = JSON.parse(e.data) as Json;
    } catch {
      continue;
    }
    const type = d.type as string | undefined;
    if (type === 'message_start') message = { ...(d.message as Json) };
    else if (type === 'content_block_start') {
      const i = d.index as number;
      blocks[i] = { ...(d.content_block as Json) };
      partialJson[i] = '';
    } else if (type === 'content_block_delta') {
      const i = d.index as number;
      const delta = d.delta as Json;
      const block = (blocks[i] ??= { type: 'text', text: '' });
      if (delta.type === 'text_delta') block.text = String(block.text ?? '') + String(delta.text ?? '');
      else if (delta.type === 'thinking_delta') block.thinking = String(block.thinking ?? '') + String(delta.thinking ?? '');
      else if (delta.type === 'input_json_delta') partialJson[i] = (partialJson[i] ?? '') + String(delta.partial_json ?? '');
      else if (delta.type === 'signature_delta') block.signature = String(delta.signature ?? '');
    } else if (type === 'content_block_stop') {
      const i = d.index as number;
      if (partialJson[i]) {
        try {
          blocks[i]!.input = JSON.parse(partialJson[i]!);
        } catch {
          blocks[i]!.input = partialJson[i];
        }
      }
    } else if (type === 'message_delta') {
      message ??= {};
      Object.assign(message, d.delta as Json);
      if (d.usage) message.usage = { ...((message.usage as Json | undefined) ?? {}), ...(d.usage as Json) };
    } else if (type === 'error') {
      message ??= {};
      message.error = d.error;
    }
  }
  if (!message) return null;
  message.content = blocks.filter(Boolean);
  return message;
}
