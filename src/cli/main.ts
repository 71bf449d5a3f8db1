// The `nayose` command line: one module per command in ./commands, each registering itself.
import { Command } from 'commander'
import { NayoseError } from '../errors.js'
import * as normalize from './commands/normalize.js'
import * as gen from './commands/gen.js'
import * as snapshot from './commands/snapshot.js'
import * as match from './commands/match.js'
import * as collate from './commands/collate.js'
import * as evaluate from './commands/eval.js'
import * as serve from './commands/serve.js'
import * as start from './commands/start.js'
import * as client from './commands/client.js'
import * as audit from './commands/audit.js'

export interface CommandModule { register(program: Command): void }

const commands: CommandModule[] = [normalize, gen, snapshot, match, collate, evaluate, serve, start, client, audit]

/** Runs the CLI; exits non-zero with a one-line message on a NayoseError. */
export async function run(argv: string[]): Promise<void> {
  const program = new Command('nayose')
    .description('名寄せ: identity matching for Japanese resident data')
    .showHelpAfterError()
  for (const c of commands) c.register(program)
  try {
    await program.parseAsync(argv)
  } catch (e) {
    if (e instanceof NayoseError) {
      process.stderr.write(`nayose: ${e.code}: ${e.message}\n`)
      process.exitCode = 2
      return
    }
    throw e
  }
}
