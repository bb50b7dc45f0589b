import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * A benchmark's client on a thread of its own (a bench/*.worker.mjs answering `{ id, result }` or
 * `{ id, error }` to each `{ op, id, ...args }`, and stopping on `{ op: 'close' }`): plain Node
 * code, outside Jest's module sandbox and off the event loop of whatever else the test runs.
 */
export class WorkerClient {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(script: string) {
    this.worker = new Worker(resolve(__dirname, script));
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.result);
    });
  }

  ask<T>(op: string, args: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...args, op, id });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((r) => this.worker.once('exit', r));
    this.worker.postMessage({ op: 'close' });
    await exited;
  }
}
