import { screeningUpcasters } from '../domain/screening/screening-upcasters.js';

/** Brings the data of one event type from `fromVersion` to `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

interface Versioned {
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: { readonly schemaVersion: number };
}

/** Upcasters by (type, fromVersion): what makes an event written by older code current. */
export class Upcasters {
  readonly #byKey = new Map<string, Upcaster>();

  constructor(upcasters: readonly Upcaster[] = []) {
    for (const upcaster of upcasters) this.register(upcaster);
  }

  /** Adds one step; returns the function that removes it (tests). */
  register(upcaster: Upcaster): () => void {
    const key = keyOf(upcaster.type, upcaster.fromVersion);
    if (this.#byKey.has(key)) throw new Error(`two upcasters for ${key}`);
    this.#byKey.set(key, upcaster);
    return () => this.#byKey.delete(key);
  }

  /** The version current code writes for `type`: 1, plus one per upcaster step from 1. */
  versionOf(type: string): number {
    let version = 1;
    while (this.#byKey.has(keyOf(type, version))) version += 1;
    return version;
  }

  /**
   * The event as current code expects it: each step from its stored `schemaVersion` on runs in
   * turn, and the metadata then names the version reached (an export re-imports as current).
   */
  upcast<E extends Versioned>(event: E): E {
    let { data } = event;
    let version = event.metadata.schemaVersion;
    for (;;) {
      const step = this.#byKey.get(keyOf(event.type, version));
      if (step === undefined) break;
      data = step.upcast(data);
      version += 1;
    }
    if (version === event.metadata.schemaVersion) return event;
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: version } };
  }
}

const keyOf = (type: string, fromVersion: number) => `${type}@v${fromVersion}`;

/** Every upcaster of the app; every adapter passes what it reads through it. */
export const upcasters = new Upcasters([...screeningUpcasters]);

/**
 * The event as current code expects it: projections, reactors, the CLI and exports never see
 * a retired shape.
 */
export function upcast<E extends Versioned>(event: E): E {
  return upcasters.upcast(event);
}
