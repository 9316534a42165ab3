import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { CliError } from './io.js';
import { withRuntime } from './runtime.js';

/** `cowatch users grant-admin|revoke-admin <email>`: the role that may read analytics. */
export function registerUsers(program: Command, { io }: CliContext): void {
  const users = program.command('users').description('User accounts.');
  for (const [name, role] of [
    ['grant-admin', 'admin'],
    ['revoke-admin', 'user'],
  ] as const) {
    users
      .command(`${name} <email>`)
      .description(
        role === 'admin'
          ? 'Gives the user the admin role (analytics).'
          : 'Takes the admin role away.',
      )
      .action(async (email: string) => {
        await withRuntime(io, async ({ db }) => {
          const result = await db
            .updateTable('users')
            .set({ role })
            .where('email', '=', email.trim().toLowerCase())
            .executeTakeFirst();
          if (result.numUpdatedRows === 0n) throw new CliError(`no user with email ${email}`);
          io.err(`${email}: role ${role}\n`);
        });
      });
  }
}
