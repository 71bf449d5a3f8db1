import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isValidDate, isValidMyNumber, myNumberCheckDigit, validateDelta, validateResident } from '../../src/store/validate.js'

const base = {
  resident_id: '10000000001', my_number: '100000000013', name: '山田 太郎', name_kana: 'ヤマダ タロウ', birth_date: '1970-03-02',
  sex: '1', address: '東京都千代田区千代田1-1', status: 'resident', status_date: '', household_id: '', former_surname: '',
}
const code = (f: Record<string, string>) => { const v = validateResident(f, '2026-11-23'); return 'error' in v ? v.error.code : 'ok' }

describe('validateResident', () => {
  it('accepts a good row and omits empty optional columns', () => {
    const v = validateResident(base, '2026-11-23')
    expect(v).toEqual({ record: { resident_id: '10000000001', my_number: '100000000013', name: '山田 太郎', name_kana: 'ヤマダ タロウ', birth_date: '1970-03-02', sex: '1', address: '東京都千代田区千代田1-1', status: 'resident' } })
  })
  it.each([
    [{ resident_id: '1000000001' }, 'BAD_RESIDENT_ID'],
    [{ resident_id: '1000000000a' }, 'BAD_RESIDENT_ID'],
    [{ my_number: '100000000012' }, 'BAD_CHECK_DIGIT'],
    [{ my_number: '12345' }, 'BAD_MY_NUMBER'],
    [{ my_number: '' }, 'ok'],
    [{ name: ' \u3000' }, 'EMPTY_NAME'],
    [{ birth_date: '2001-02-30' }, 'BAD_DATE'],
    [{ birth_date: '2001/02/03' }, 'BAD_DATE'],
    [{ birth_date: '2027-01-01' }, 'BAD_DATE'],
    [{ birth_date: '2000-02-29' }, 'ok'],
    [{ birth_date: '1900-02-29' }, 'BAD_DATE'],
    [{ sex: '男' }, 'BAD_SEX'],
    [{ status: 'emigrated', status_date: '2020-01-01' }, 'BAD_STATUS'],
    [{ status: 'deceased', status_date: '' }, 'BAD_STATUS_DATE'],
    [{ status: 'deceased', status_date: '1960-01-01' }, 'BAD_STATUS_DATE'],
    [{ status: 'deceased', status_date: '2020-01-01' }, 'ok'],
    [{ status: 'resident', status_date: '2020-01-01' }, 'BAD_STATUS_DATE'],
  ])('%o → %s', (patch, expected) => expect(code({ ...base, ...patch } as Record<string, string>)).toBe(expected))
})

describe('my_number check digit', () => {
  it('matches the 施行令 formula on a worked example', () => {
    // 12345678901: Σ P_n·Q_n = 1·2+0·3+9·4+8·5+7·6+6·7+5·2+4·3+3·4+2·5+1·6 = 212, 212 mod 11 = 3 → 8
    expect(myNumberCheckDigit('12345678901')).toBe(8)
    expect(isValidMyNumber('123456789018')).toBe(true)
  })
  it('exactly one check digit is valid for any 11 digits', () => {
    fc.assert(fc.property(fc.stringMatching(/^[0-9]{11}$/), (s) => {
      const valid = [...'0123456789'].filter((d) => isValidMyNumber(s + d))
      expect(valid).toEqual([String(myNumberCheckDigit(s))])
    }))
  })
})

it('isValidDate agrees with the JS calendar', () => {
  fc.assert(fc.property(fc.integer({ min: 1868, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
    const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
    const dt = new Date(Date.UTC(y, m - 1, d))
    const real = dt.getUTCMonth() === m - 1 && s >= '1868-01-25'
    expect(isValidDate(s)).toBe(real)
  }))
})

describe('validateDelta', () => {
  it('needs only the id for a remove, the whole record otherwise', () => {
    expect(validateDelta({ op: 'remove', resident_id: '10000000001', effective_date: '2026-11-01' })).toEqual({ op: 'remove', resident_id: '10000000001', effective_date: '2026-11-01' })
    expect(validateDelta({ op: 'add', resident_id: '10000000001' })).toMatchObject({ error: { code: 'EMPTY_NAME' } })
    expect(validateDelta({ ...base, op: 'UPDATE' })).toMatchObject({ op: 'update', record: { resident_id: '10000000001' } })
    expect(validateDelta({ ...base, op: 'replace' })).toMatchObject({ error: { code: 'BAD_OP' } })
    expect(validateDelta({ ...base, op: 'add', effective_date: '2026-02-30' })).toMatchObject({ error: { code: 'BAD_DATE' } })
  })
})
