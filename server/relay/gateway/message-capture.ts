import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

const SECRET_HEADERS = new Set(['x-api-key', 'authorization', 'cookie', 'set-cookie', 'proxy-authorization']);
const SECRET_NAME = /key|token|secret/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase()) || SECRET_NAME.test(name);
}

/** "name: value" lines, secrets masked. */
export function headersText(h: IncomingHttpHeaders | OutgoingHttpHeaders): string {
  const lines: string[] = [];
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    for (const v of [value].flat()) lines.push(`${name}: ${isSecretHeader(name) ? '[masked]' : String(v)}`);
  }
  return lines.join('\n');
}

/** Keeps the first `max` bytes of a body passing through, marking the cut. */
export class CappedCapture {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly max: number) {}

  add(chunk: Buffer): void {
    if (this.size >= this.max) {
      this.truncated = this.truncated || chunk.length > 0;
      return;
    }
    const room = this.max - this.size;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (chunk.length > room) this.truncated = true;
    this.chunks.push(part);
    this.size += part.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.size).toString('utf8');
  }
}
