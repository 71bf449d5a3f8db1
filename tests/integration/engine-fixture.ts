// Hand-made synthetic residents shared by the engine and match-CLI tests (not a test file).
export const HEADER = 'resident_id,my_number,name,name_kana,former_surname,former_surname_kana,alias,alias_kana,name_roman,birth_date,sex,address,household_id,status,status_date'
// All people are synthetic.
export const PEOPLE = [
  '20000000001,,山田 太郎,ヤマダ タロウ,,,,,,1970-03-02,1,東京都千代田区霞が関1丁目3番1号,H1,resident,',
  '20000000002,,山田 花子,ヤマダ ハナコ,,,,,,1972-11-30,2,東京都千代田区霞が関1丁目3番1号,H1,resident,',
  '20000000003,,髙橋 一郎,タカハシ イチロウ,,,,,,1960-01-20,1,大阪府大阪市北区梅田2丁目4番9号,H2,resident,',
  '20000000004,,鈴木 次郎,スズキ ジロウ,,,,,,1975-05-05,1,北海道札幌市中央区北一条西2丁目1番地,H3,resident,',
  // 同姓同名同生年月日: two different people
  '20000000005,,田中 誠,タナカ マコト,,,,,,1980-10-10,1,愛知県名古屋市中区栄3丁目5番1号,H4,resident,',
  '20000000006,,田中 誠,タナカ マコト,,,,,,1980-10-10,1,福岡県福岡市博多区博多駅前2丁目1番1号,H5,resident,',
  // twins with similar names
  '20000000007,,伊藤 大輔,イトウ ダイスケ,,,,,,2001-04-01,1,京都府京都市左京区北白川1丁目2番3号,H6,resident,',
  '20000000008,,伊藤 大介,イトウ ダイスケ,,,,,,2001-04-01,1,京都府京都市左京区北白川1丁目2番3号,H6,resident,',
  // married: registered under the new surname with the former one kept
  '20000000009,,中村 美咲,ナカムラ ミサキ,小林,コバヤシ,,,,1990-08-08,2,神奈川県横浜市西区みなとみらい2丁目2番1号,H7,resident,',
  '20000000010,,渡辺 健,ワタナベ ケン,,,,,,1965-12-24,1,宮城県仙台市青葉区国分町3丁目6番1号,H8,resident,',
  '20000000011,,佐々木 恵子,,,,,,,1958-06-30,2,広島県広島市中区大手町1丁目1番1号,H9,resident,',
  '20000000012,,小川 直樹,オガワ ナオキ,,,,,,1988-02-14,1,新潟県新潟市中央区東大通1丁目1番1号,H10,resident,',
]

