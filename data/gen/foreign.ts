/**
 * Foreign residents: nationality by its share of Japan's foreign residents (出入国在留管理庁
 * 在留外国人統計, rounded), common names per nationality written as a residence card does
 * (family name first, upper case), the katakana reading, and for some a 通称 (a Japanese-style
 * name registered for daily use, common among 特別永住者). People from kanji-using countries
 * also have their name registered in kanji; for everyone else the registered name is the
 * alphabet name.
 */
import { AliasTable, type Rng } from './rng.js'

type Entry = [kanji: string, kana: string, roman: string]
interface Nationality {
  code: string
  share: number
  /** probability of a registered 通称 */
  alias: number
  surnames: Entry[]
  male: Entry[]
  female: Entry[]
  /** Vietnamese middle names, by sex */
  middle?: [Entry, Entry]
}

const e = (s: string): Entry[] => s.split(' ').map((x) => x.split('/') as Entry)
const r = (s: string): Entry[] => s.split(' ').map((x) => { const [kana, roman] = x.split('/'); return ['', kana!, roman!] })

export const NATIONALITIES: Nationality[] = [
  { code: 'CN', share: 0.25, alias: 0.2,
    surnames: e('王/ワン/WANG 李/リ/LI 張/チャン/ZHANG 劉/リュウ/LIU 陳/チン/CHEN 楊/ヤン/YANG 趙/チョウ/ZHAO 黄/コウ/HUANG 周/シュウ/ZHOU 呉/ゴ/WU 徐/ジョ/XU 孫/ソン/SUN'),
    male: e('偉/ウェイ/WEI 強/チャン/QIANG 磊/レイ/LEI 軍/ジュン/JUN 洋/ヤン/YANG 勇/ヨン/YONG 傑/ジェ/JIE 明/ミン/MING 剛/ガン/GANG 輝/ホイ/HUI 浩/ハオ/HAO 建華/ジエンホア/JIANHUA'),
    female: e('芳/ファン/FANG 敏/ミン/MIN 静/ジン/JING 麗/リー/LI 華/ホア/HUA 玲/リン/LING 霞/シア/XIA 紅/ホン/HONG 秀英/シウイン/XIUYING 桂英/グイイン/GUIYING 麗娟/リージュエン/LIJUAN 麗華/リーホア/LIHUA') },
  { code: 'VN', share: 0.16, alias: 0.03,
    surnames: r('グエン/NGUYEN チャン/TRAN レ/LE ファム/PHAM ホアン/HOANG ヴ/VU ダン/DANG ブイ/BUI ド/DO ゴ/NGO'),
    male: r('アン/AN ビン/BINH ドゥック/DUC フン/HUNG ミン/MINH ナム/NAM トゥアン/TUAN クアン/QUANG ロン/LONG タイン/THANH'),
    female: r('ホア/HOA ラン/LAN リン/LINH マイ/MAI ゴック/NGOC タオ/THAO チャン/TRANG フオン/HUONG ヒエン/HIEN トゥイ/THUY'),
    middle: [['', 'ヴァン', 'VAN'], ['', 'ティ', 'THI']] },
  { code: 'KR', share: 0.13, alias: 0.5,
    surnames: e('金/キム/KIM 李/イ/LEE 朴/パク/PARK 崔/チェ/CHOI 鄭/チョン/JEONG 姜/カン/KANG 趙/チョ/CHO 尹/ユン/YOON 張/チャン/JANG 林/イム/LIM'),
    male: e('民俊/ミンジュン/MINJUN 志勲/ジフン/JIHUN 成民/ソンミン/SEONGMIN 賢宇/ヒョヌ/HYEONWOO 俊浩/ジュノ/JUNHO 東賢/ドンヒョン/DONGHYEON 永男/ヨンナム/YEONGNAM 正浩/ジョンホ/JEONGHO'),
    female: e('英姫/ヨンヒ/YEONGHUI 美英/ミヨン/MIYEONG 秀賢/スヒョン/SUHYEON 智恩/ジウン/JIEUN 恩恵/ウネ/EUNHYE 順子/スンジャ/SUNJA 貞淑/ジョンスク/JEONGSUK 美淑/ミスク/MISUK') },
  { code: 'PH', share: 0.09, alias: 0.05,
    surnames: r('サントス/SANTOS レイエス/REYES クルス/CRUZ バウティスタ/BAUTISTA ガルシア/GARCIA メンドーサ/MENDOZA ラモス/RAMOS アキノ/AQUINO'),
    male: r('ホセ/JOSE マーク/MARK ジョン/JOHN マイケル/MICHAEL ジェイソン/JASON'),
    female: r('マリア/MARIA アナ/ANA ジョイ/JOY グレース/GRACE ロザリー/ROSALIE メアリー/MARY') },
  { code: 'BR', share: 0.07, alias: 0.05,
    surnames: r('シルバ/SILVA サントス/SANTOS オリベイラ/OLIVEIRA ソウザ/SOUZA ペレイラ/PEREIRA リマ/LIMA フェレイラ/FERREIRA'),
    male: r('ルーカス/LUCAS ガブリエル/GABRIEL ハファエル/RAFAEL マテウス/MATHEUS ブルーノ/BRUNO'),
    female: r('ジュリアナ/JULIANA フェルナンダ/FERNANDA アナ/ANA カミラ/CAMILA ベアトリス/BEATRIZ') },
  { code: 'NP', share: 0.06, alias: 0.02,
    surnames: r('シュレスタ/SHRESTHA グルン/GURUNG タマン/TAMANG ライ/RAI マガール/MAGAR タパ/THAPA'),
    male: r('ラム/RAM ビカス/BIKASH スレシュ/SURESH ラジ/RAJ サンジブ/SANJIV'),
    female: r('シタ/SITA ギタ/GITA アニタ/ANITA サビナ/SABINA プジャ/PUJA') },
  { code: 'ID', share: 0.05, alias: 0.02,
    surnames: r('サプトラ/SAPUTRA ハリム/HALIM ウィジャヤ/WIJAYA スギアルト/SUGIARTO'),
    male: r('アグス/AGUS ブディ/BUDI リズキ/RIZKI ファジャール/FAJAR'),
    female: r('シティ/SITI デウィ/DEWI プトリ/PUTRI ヌル/NUR') },
  { code: 'US', share: 0.03, alias: 0.05,
    surnames: r('スミス/SMITH ジョンソン/JOHNSON ウィリアムズ/WILLIAMS ブラウン/BROWN ミラー/MILLER'),
    male: r('ジェームズ/JAMES マイケル/MICHAEL デイビッド/DAVID ロバート/ROBERT'),
    female: r('メアリー/MARY ジェニファー/JENNIFER サラ/SARAH エミリー/EMILY') },
]

const table = new AliasTable(NATIONALITIES.map((n) => n.share))

export function drawNationality(rng: Rng): Nationality {
  return NATIONALITIES[table.draw(rng)]!
}

export interface ForeignName {
  /** registered name: kanji for kanji-using nationalities, otherwise the alphabet name */
  name: string
  kana: string
  roman: string
  surname: { kanji: string; kana: string; roman: string }
}

/** A foreign resident's name; `family` keeps a household's family name (Vietnamese children keep the father's). */
export function foreignName(rng: Rng, nat: Nationality, sex: 1 | 2, family?: ForeignName['surname'], sep = '　'): ForeignName {
  const s = family ?? (([k, kana, roman]) => ({ kanji: k, kana, roman }))(rng.pick(nat.surnames))
  const [gk, gkana, groman] = rng.pick(sex === 1 ? nat.male : nat.female)
  const mid = nat.middle ? nat.middle[sex - 1] : undefined
  const roman = [s.roman, mid?.[2], groman].filter(Boolean).join(' ')
  const kana = [s.kana, mid?.[1], gkana].filter(Boolean).join('　')
  const name = s.kanji && gk ? `${s.kanji}${sep}${gk}` : roman
  return { name, kana, roman, surname: s }
}
