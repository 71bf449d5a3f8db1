import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'

// Placeholder until its issue lands: says so instead of pretending.
export function register(program: Command): void {
  program.command('match').description('(not yet implemented)').allowUnknownOption().action(() => {
    throw new NayoseError('NOT_IMPLEMENTED', '`match` is not implemented yet')
  })
}
