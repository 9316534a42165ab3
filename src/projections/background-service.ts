/** Something that runs beside the API in a projecting process (ROLE all or project). */
export interface BackgroundService {
  start(): Promise<void>;
  /** Stops gracefully; services stop in reverse order of start. */
  stop(): Promise<void>;
}
