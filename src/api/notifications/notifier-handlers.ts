import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { NotifierHandler, NotifierMessage } from './notifier.js';

/** In-process dispatch to this node's handlers; a failing handler never stops the others. */
export class NotifierHandlers {
  readonly #emitter = new EventEmitter().setMaxListeners(0);
  constructor(private readonly log: FastifyBaseLogger) {}

  add(handler: NotifierHandler): () => void {
    const guarded = (message: NotifierMessage): void => {
      try {
        handler(message);
      } catch (error) {
        this.log.error({ err: error }, 'a notification handler failed');
      }
    };
    this.#emitter.on('message', guarded);
    return () => this.#emitter.off('message', guarded);
  }

  emit(message: NotifierMessage): void {
    this.#emitter.emit('message', message);
  }

  clear(): void {
    this.#emitter.removeAllListeners();
  }
}
