/**
 * The one shape of an id in cowatch: a UUID in its 8-4-4-4-12 hex form, any version, any case.
 * Deliberately looser than `uuid.validate` (which checks the version and variant nibbles): ids
 * arrive from clients, imports and older logs, and a well-formed id that names nothing must be a
 * 404, not a 400.
 */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

const UUID = new RegExp(`^${UUID_PATTERN}$`, 'i');

/** Whether `value` is a string holding one UUID and nothing else. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
