"""The actual of every KPI target of the FY2022 sheet, read by hand from its results (取組内容の実績等).

Written from the sheet (tests/fixtures/r04_sheet.txt), not from the matcher's output: each entry quotes
the words that state the actual, or says why the results state none. The matcher's precision and recall
are measured against this list (tests/test_kpi_fy2022.py) and the warehouse is checked against it
(tests/test_warehouse_model.py).
"""

# kpi_target_id → (actual value or None, the evidence in the results). Plan targets in sheet order.
PLAN_ACTUALS: dict[str, tuple[float | None, str]] = {
    "2022-001-k01": (
        117,
        "マッチングを新たに25件実施(累計117件）; graded 3 (on target): the total meets 85, the year's 25 would not",
    ),
    "2022-001-k02": (18, "累計入居企業は18社となり"),
    "2022-002-k01": (None, "activities listed, no number"),
    "2022-003-k01": (59, "イベントを2回実施し、59社が参加しました (社 for 事業者)"),
    "2022-004-k01": (-17000, "コンテナ取扱貨物増加量：▲1.7万TEU"),
    "2022-009-k01": (65, "支援企業数が目標40社のところ、65社"),
    "2022-011-k01": (42, "ホール稼働率は目標の60％に対し42％"),
    "2022-012-k01": (666, "ビジネスマッチング創出件数の目標600件に対して666件"),
    "2022-012-k02": (9, "プロジェクト創出は、目標7件に対して実績9件"),
    "2022-012-k03": (5.6, "10％を目標としておりましたが、5.6％となりました"),
    "2022-014-k01": (111, "国際展開活動件数（R4実績）：111件"),
    "2022-015-k01": (114, "エコ会議会員事業者（114事業者・団体）: the year-end membership against 全112団体"),
    "2022-015-k02": (16788, "来場者数は前年度を大きく上回る16,788人"),
    "2022-015-k03": (126, "新たに10件認定（累計126件）: the running total against 全122件"),
    "2022-022-k01": (13, "プロジェクトの累計数が13件"),
    "2022-024-k01": (23000, "「かわさきジャズ」を開催し…（入場者数：23,000人）"),
    "2022-024-k02": (20000, "アジア交流音楽祭を…開催しました。…（入場者数：20,000人）"),
    "2022-025-k01": (71800, "入場者数：71,800人"),
    "2022-026-k01": (3205, "INTERNATIONAL STREET FESTIVAL KAWASAKI 2022（3,205名来場）"),
    "2022-027-k01": (48877, "（利用者数48,877人）"),
    "2022-028-k01": (278092, "（入館者数278,092人（見込））"),
    "2022-029-k01": (60884, "入館者数は60,884人"),
    "2022-035-k01": (134, "（ロケ支援件数：134件）"),
    "2022-035-k02": (1574, "「KAWASAKIしんゆり映画祭」…（来場者数：1,574人） (visitors for participants)"),
    "2022-036-k01": (None, "成果指標…は…目標値を下回りました: named, no figure"),
    "2022-036-k02": (None, "named, no figure"),
    "2022-036-k03": (None, "named, no figure"),
    "2022-039-k01": (2930000, "約293万件アクセス (件 for 回, approximate)"),
    "2022-044-k01": (None, "activities listed; the only count is 相談件数"),
    "2022-044-k02": (None, "no number of participants"),
    "2022-044-k03": (None, "no number of participants"),
    "2022-051-k01": (15000, "15,000部（8言語の合計）の発行 (not the 3,000部 cut)"),
    "2022-051-k02": (60, "オープン会議形式での臨時会を…開催し、60人の参加"),
    "2022-053-k01": (87, "87校に延べ257人を学校に派遣"),
    "2022-056-k01": (558, "広報資料の合計言語数は558言語"),
    "2022-065-k01": (3314, "相談件数が3,314件"),
    "2022-067-k01": (534, "（相談件数：534件、…）"),
    "2022-067-k02": (16, "入居手続の同行等支援件数：１6件"),
    "2022-079-k01": (1, "小学生教室（週1回程度、47回）: the rate, approximate"),
    "2022-079-k02": (2, "中学生教室（週2回程度、83回）: the rate, approximate"),
    "2022-091-k01": (3, "外国人市民向け防災講座を３回実施"),
    "2022-094-k01": (None, "市人権学校の開催 listed, no number"),
    "2022-094-k02": (None, "企業向けLGBTセミナー listed, no number"),
    "2022-096-k01": (None, "no number"),
    "2022-096-k02": (None, "no number"),
    "2022-096-k03": (None, "no number"),
    "2022-102-k01": (1, "講座を…令和4年6月4日に開催しました: one event, by its date"),
}

# Met or not by hand, where the direction needs care.
PLAN_MET = {
    "2022-004-k01": False,  # a decrease against an increase target
    "2022-001-k01": True,
    "2022-079-k01": True,  # 週1回程度 against 週1回
    "2022-051-k02": False,  # 60 against a bare 100人
    "2022-026-k01": False,
}

# Actuals marked as estimate (見込) or approximate (約, 程度, 超) in the results.
ESTIMATES = {"2022-028-k01"}
APPROXIMATE = {"2022-039-k01", "2022-079-k01", "2022-079-k02"}

# Targets the results state of their own (「…は目標のN％に対しM％」), per initiative in reading order:
# (initiative_no, target value, actual value).
RESULTS_TARGETS = [
    (11, 80, 97),  # スタッフの対応…目標の80％に対し、97%超
    (11, 80, 94),  # リピート意向についても目標80％に対し94％超
    (11, 65, 77),  # 会議室稼働率は目標の65％に対し77％
    (12, 150, 165),  # 参加事業者数は目標の150者に対して165者
    (13, 100, 107),  # （目標の参加者100人に対して107人）
    (34, 6.6, 5.5),  # R4目標値：6.6　実績値：5.5
    (34, 5.6, 4.9),
    (34, 53, 38),
    (34, 62, 57.6),
    (46, 300, 250),  # 目標値が300事業のところ実績値が250事業
    (59, 300, 250),
    (60, 300, 250),
    (93, 300, 250),
]
