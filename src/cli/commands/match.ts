// `nayose match`: answers one query against a snapshot and explains the answer field by field.
import type { Command } from 'commander'
import { NayoseError } from '../../errors.js'
import { Engine } from '../../engine/engine.js'
import { readEncryptionKey } from '../../store/snapshot.js'
import { explainResult } from '../../engine/explain.js'
import { readParams } from '../../engine/params.js'
import type { Query } from '../../engine/types.js'

interface MatchOpts {
  snapshot: string
  name?: string
  kana?: string
  birth?: string
  sex?: string
  address?: string
  myNumber?: string
  residentId?: string
  limit?: string
  json?: boolean
  params?: string
  explainNone?: boolean
  encryptionKeyFile?: string
}

export function register(program: Command): void {
  program.command('match')
    .description('match one query (SPEC §2) against a snapshot and explain each field\'s agreement and weight')
    .requiredOption('--snapshot <dir>', 'snapshot directory')
    .option('--name <name>', '氏名 in kanji or kana')
    .option('--kana <kana>', '振り仮名 (name_kana)')
    .option('--birth <date>', 'birth date in any accepted notation (1970-03-02, S45.3.2, 昭和45年3月2日 …)')
    .option('--sex <sex>', '1/2, 男/女, M/F')
    .option('--address <address>', 'address')
    .option('--my-number <digits>', '個人番号 (12 digits)')
    .option('--resident-id <digits>', '住民票コード (11 digits)')
    .option('--limit <n>', 'candidates shown (default 3)')
    .option('--explain-none', 'show the weak candidates of a `none` answer too')
    .option('--encryption-key-file <file>', 'key of an encrypted snapshot')
    .option('--params <json>', 'scoring/grade parameter overrides (JSON file, see src/engine/params.ts)')
    .option('--json', 'print the result as JSON')
    .action((o: MatchOpts) => {
      const q: Query = {}
      if (o.name) q.name = o.name
      if (o.kana) q.name_kana = o.kana
      if (o.birth) q.birth_date = o.birth
      if (o.sex) q.sex = o.sex
      if (o.address) q.address = o.address
      if (o.myNumber) q.my_number = o.myNumber
      if (o.residentId) q.resident_id = o.residentId
      if (o.limit !== undefined) {
        const n = Number(o.limit)
        if (!Number.isInteger(n) || n < 1) throw new NayoseError('BAD_OPTION', '--limit must be a positive integer')
        q.limit = n
      }
      const key = o.encryptionKeyFile ? readEncryptionKey(o.encryptionKeyFile) : undefined
      const engine = Engine.openDir(o.snapshot, { explainNone: !!o.explainNone, ...(key ? { encryptionKey: key } : {}), ...(o.params ? { params: readParams(o.params) } : {}) })
      try {
        const [d] = engine.matchDetailed([q])
        if (o.json) process.stdout.write(JSON.stringify(d!.result, null, 2) + '\n')
        else process.stdout.write(explainResult(d!.result, d!.examined) + '\n')
        if (d!.result.grade === 'error') process.exitCode = 1
      } finally {
        engine.close()
      }
    })
}
