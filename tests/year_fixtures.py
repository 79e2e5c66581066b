"""Further fiscal years derived from the FY2022 rows, with the truth about every row recorded.

The city publishes one sheet a year; we have only FY2022's. Between years the city changes a sheet in
a few characteristic ways, and this generator makes them, one year from the one before, with a seeded
``random.Random`` (same base, years and seed: same output):

- grades move: some rows' 達成度 and 貢献度 improve by a step, others worsen;
- KPI target lines in 令和N年度の取組内容 get new values in the same format
  (「マッチング数：85件以上」 → 「マッチング数：90件以上」);
- initiatives are dropped, which renumbers the ones after them;
- initiatives are added, inserted inside a sub-area (never at the sheet's end), with their own
  description, plan with a KPI line, grades, results and bureau; one of them has two ward rows;
- an initiative is renamed slightly (「…の推進」 → 「…の促進」);
- a bureau is renamed in a reorganisation, on every row from that year on;
- an initiative moves to another sub-area of its pillar;
- year references in results and reasons follow the year (令和４年度 → 令和５年度, R4 → R5).

With ``restructure=True`` the years also go through what a new execution programme does (over the first
two derived years):

- an initiative, the only one of its bureau and project, is left out of the first derived year and
  printed again, renumbered, in the second (a gap year, for the bureau and the project too);
- two initiatives of one sub-area are merged into one: the first keeps its name and takes the second's
  rows, description and plan (with its KPI lines);
- an initiative with rows of several projects is split in two: the first part keeps its name, its first
  projects' rows, the first half of its description and plan; the second is named after its first
  ● plan heading;
- a project is renamed on all its rows (「…推進事業」 → 「…促進事業」);
- two bureaus are merged into a new one, which takes all their initiatives;
- a bureau is split in two new ones, each taking half of its initiatives.

Each ``DerivedYear`` carries its rows (numbered 1..N in sheet order, sub-rows 1..k), the true identity
of every row (initiative, project, bureau) and a log of what was changed and why, so tests can
compute the expected crosswalk, history and trends without the pipeline. ``write_year_files`` renders
the years as text exports and PDFs whose file names do not give the year away.
"""

from __future__ import annotations

import random
import re
import string
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.extract.records import Sheet, SheetRow
from tests.pdf_fixtures import A3_LANDSCAPE, A4_LANDSCAPE, PdfLayout, write_sheet_pdf
from tests.text_fixtures import era_label, render_text_export, wrap

# Kinds of change, as `Change.kind`.
ACHIEVEMENT = "achievement"
CONTRIBUTION = "contribution"
KPI_TARGET = "kpi_target"
DROPPED = "dropped"
ADDED = "added"
RENAMED_INITIATIVE = "renamed_initiative"
RENAMED_BUREAU = "renamed_bureau"
MOVED_SUBAREA = "moved_subarea"
CHANGE_KINDS = (ACHIEVEMENT, CONTRIBUTION, KPI_TARGET, DROPPED, ADDED, RENAMED_INITIATIVE, RENAMED_BUREAU, MOVED_SUBAREA)
# Kinds of change with ``restructure=True``.
PAUSED = "paused"
RETURNED = "returned"
MERGED = "merged"
SPLIT = "split"
RENAMED_PROJECT = "renamed_project"
MERGED_BUREAU = "merged_bureau"
SPLIT_BUREAU = "split_bureau"
RESTRUCTURE_KINDS = (PAUSED, RETURNED, MERGED, SPLIT, RENAMED_PROJECT, MERGED_BUREAU, SPLIT_BUREAU)

ACHIEVEMENT_CODES = (1, 2, 3, 4, 5)  # best first
CONTRIBUTION_CODES = "ABCD"  # best first

RowKey = tuple[int, int]  # (initiative_no, sub_row) within one year's sheet


@dataclass(frozen=True)
class Change:
    """One change from the year before to ``fiscal_year``.

    Grade changes name their row by ``sub_row`` (sub-rows keep their order across years); the others
    concern a whole initiative, or (``renamed_bureau``, ``merged_bureau``, ``split_bureau``,
    ``renamed_project``) every row of a bureau or project (``initiative`` None). ``no_before`` / ``no_after`` are the initiative's
    printed numbers in the two years, where it has one. A merge names the initiative merged in and, as
    ``counterpart``, the one it merged into (which goes on); a split names the initiative split off and,
    as ``counterpart``, the one it split from (which goes on)."""

    fiscal_year: int
    kind: str
    initiative: str | None
    before: str | int | None
    after: str | int | None
    why: str
    sub_row: int | None = None
    no_before: int | None = None
    no_after: int | None = None
    counterpart: str | None = None

    @property
    def direction(self) -> str | None:
        """improved / worsened for grades (1 and A are best), raised / lowered for KPI targets."""
        if self.kind == ACHIEVEMENT:
            return "improved" if self.after < self.before else "worsened"
        if self.kind == CONTRIBUTION:
            return "improved" if CONTRIBUTION_CODES.index(self.after) < CONTRIBUTION_CODES.index(self.before) else "worsened"
        if self.kind == KPI_TARGET:
            return "raised" if kpi_value(self.after) > kpi_value(self.before) else "lowered"
        return None


@dataclass(frozen=True)
class DerivedYear:
    """One year's sheet and the truth about it.

    ``identity`` maps every row to its initiative's true id: the FY2022 number as 「I001」…「I106」,
    initiatives added later 「N001」, 「N002」… in order of appearance. ``row_identity`` adds the
    sub-row (「I061/3」), ``project_identity`` the 事務事業 (「P001」… by FY2022 name, 「NP001」… for new
    names) and ``bureau_identity`` the bureau (「B01」…; a renamed bureau keeps its id)."""

    fiscal_year: int
    rows: tuple[SheetRow, ...]
    identity: dict[RowKey, str]
    row_identity: dict[RowKey, str]
    project_identity: dict[RowKey, str]
    bureau_identity: dict[RowKey, str]
    changes: tuple[Change, ...]

    @property
    def title(self) -> str:
        return sheet_title(self.fiscal_year)

    def sheet(self, source_file: str = "") -> Sheet:
        rows = tuple(replace(row, source_file=source_file) for row in self.rows)
        return Sheet(source_file=source_file, fiscal_year=self.fiscal_year, title=self.title, rows=rows)

    def numbers(self) -> dict[str, int]:
        """Printed initiative number of each true initiative id present this year."""
        return {initiative: key[0] for key, initiative in self.identity.items()}

    def changes_of(self, kind: str) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]


def sheet_title(fiscal_year: int) -> str:
    return f"川崎市国際施策推進プラン第３期実行プログラム進行管理シート（{era_label(fiscal_year)}）"


# --- KPI target lines ----------------------------------------------------------------------------

# A whole plan line 「metric：[全|累計]value unit [以上|以下]」, as the glossary describes them.
KPI_LINE_RE = re.compile(
    r"^(?P<metric>[^：\n（(]*[^：\n\s（(])：(?P<prefix>全|累計)?(?P<value>[0-9０-９][0-9０-９,，]*)"
    r"(?P<unit>[^\s0-9０-９,，：以（）()]{1,4})(?P<bound>以上|以下)?$"
)
_TO_HALF = str.maketrans("０１２３４５６７８９，", "0123456789,")
_TO_FULL = str.maketrans("0123456789,", "０１２３４５６７８９，")


def kpi_value(line: str) -> int:
    """The target value of a KPI line, as a number (the 万 of a unit aside)."""
    match = KPI_LINE_RE.match(line)
    if not match:
        raise ValueError(f"not a KPI line: {line!r}")
    return int(match.group("value").translate(_TO_HALF).replace(",", ""))


def _new_kpi_line(line: str, rng: random.Random) -> str:
    """The line with another target value, printed as the old one was (full-width digits, commas)."""
    match = KPI_LINE_RE.match(line)
    printed = match.group("value")
    old = kpi_value(line)
    step = 10 ** max(0, len(str(old)) - 2)
    factor = rng.uniform(1.05, 1.25) if rng.random() < 0.75 else rng.uniform(0.8, 0.95)
    new = max(step, round(old * factor / step) * step)
    if new == old:
        new = old + step
    text = f"{new:,}" if "," in printed.translate(_TO_HALF) else str(new)
    if printed != printed.translate(_TO_HALF):
        text = text.translate(_TO_FULL)
    return line[: match.start("value")] + text + line[match.end("value") :]


# --- catalogues: renames and new initiatives -----------------------------------------------------

# Small renames of an initiative name: (old ending, new ending).
INITIATIVE_RENAMES = (
    ("の推進", "の促進"),
    ("の実施", "の充実"),
    ("の発信", "の発信強化"),
    ("の開催", "の開催・充実"),
    ("を活用した取組", "を活用した取組の推進"),
)

# Reorganisations: a bureau's new name from the year it happens. Names stay free of the
# punctuation prose has (no 「・」), as the city's bureau names are.
BUREAU_RENAMES = {
    "市民文化局": "市民文化スポーツ局",
    "経済労働局": "産業経済局",
    "臨海部国際戦略本部": "臨海部国際戦略局",
}

# Bureaus merged into a new one, and a bureau split in two (the new names, in the order its initiatives
# go to them). None of these bureaus is renamed above or reports on an initiative the catalogue below adds.
BUREAU_MERGES = {
    ("消防局", "危機管理本部"): "危機管理局",
}
BUREAU_SPLITS = {
    "環境局": ("脱炭素戦略推進局", "環境保全局"),
    "こども未来局": ("こども家庭局", "こども若者局"),
    "健康福祉局": ("福祉局", "健康医療局"),
}

# A project renamed: (old ending, new ending).
PROJECT_RENAMES = (("推進事業", "促進事業"),)


@dataclass(frozen=True)
class _NewRow:
    project_name: str
    policy_code: str
    bureau: str
    results: str
    reason: str
    future_direction: str


@dataclass(frozen=True)
class _NewInitiative:
    section: tuple[str, int, int]  # (pillar, direction_no, subarea_no) it is added to
    name: str
    description: str
    plan_fy: str
    rows: tuple[_NewRow, ...]


# Used in this order; the second has two ward rows, so the first derived years add a multi-row initiative.
NEW_INITIATIVES = (
    _NewInitiative(
        ("Ⅰ", 2, 1),
        "スタートアップの海外展開支援",
        "海外の支援機関やアクセラレーターと連携し、市内スタートアップの海外での事業展開や資金調達を支援します。",
        "●海外アクセラレーションプログラムへの参加支援\n・海外の支援機関と連携したプログラムの実施\n支援企業数：10社以上\n"
        "●海外投資家とのマッチング機会の創出\n・ピッチイベントの開催",
        (
            _NewRow(
                "イノベーション推進事業",
                "4-1-1",
                "経済労働局",
                "海外の支援機関と連携したアクセラレーションプログラムを実施し、市内スタートアップ12社の海外展開を支援しました。"
                "また、海外投資家向けのピッチイベントを2回開催し、延べ30件の商談につなげました。",
                "海外の支援機関との連携により、市内スタートアップの海外での事業展開や資金調達の機会を創出し、施策に貢献しました。",
                "引き続き、海外の支援機関と連携し、市内スタートアップの成長段階に応じた海外展開支援を進めます。",
            ),
        ),
    ),
    _NewInitiative(
        ("Ⅲ", 2, 5),
        "外国人市民向け防災訓練の実施",
        "言葉や習慣の違いから災害時に支援を必要としやすい外国人市民を対象に、区の防災訓練を実施します。",
        "●外国人市民向け防災訓練の実施\n・通訳を配置した訓練の実施\n防災訓練の参加者数：100人以上",
        (
            _NewRow(
                "自主防災組織事業及び地域の危機管理対策",
                "中原区",
                "中原区役所",
                "中原区では、避難所での受付や備蓄品の使い方を体験する訓練を2回実施し、58人が参加しました。",
                "やさしい日本語と通訳を用いた説明により、参加者の防災知識が深まりました。",
                "町内会と連携し、地域の防災訓練への外国人市民の参加を促します。",
            ),
            _NewRow(
                "自主防災組織事業及び地域の危機管理対策",
                "多摩区",
                "多摩区役所",
                "多摩区では、大学の留学生を対象に起震車体験と避難経路の確認を行い、61人が参加しました。",
                "留学生が多い地域特性を踏まえた訓練となり、災害への備えの意識が高まりました。",
                "大学と連携し、新入留学生向けの訓練を毎年度実施します。",
            ),
        ),
    ),
    _NewInitiative(
        ("Ⅱ", 2, 1),
        "インバウンド向けデジタルプロモーション",
        "海外の旅行者に向けて、SNSや動画配信サイトを活用した本市の観光資源の魅力発信を行います。",
        "●SNS等を活用した海外向けの観光情報の発信\n・多言語による動画及び記事の配信\nSNS投稿の閲覧数：500万回以上\n"
        "●海外の旅行会社等と連携したプロモーションの実施\n・オンライン商談会への参加",
        (
            _NewRow(
                "観光振興事業",
                "4-9-2",
                "経済労働局",
                "英語、中国語、韓国語による動画及び記事を配信し、SNS投稿の閲覧数は年間620万回となりました。"
                "また、海外の旅行会社とのオンライン商談会に3回参加し、工場夜景ツアー等の本市の観光資源を紹介しました。",
                "海外の旅行者に向けた情報発信により、本市の認知度が向上し、インバウンド観光の推進に貢献しました。",
                "閲覧データの分析を踏まえ、国・地域ごとの関心に応じた効果的な情報発信に取り組みます。",
            ),
        ),
    ),
    _NewInitiative(
        ("Ⅲ", 2, 1),
        "やさしい日本語の普及",
        "外国人市民に伝わりやすい「やさしい日本語」の研修や手引きの配布を通じて、職員や地域団体による活用を広げます。",
        "●職員及び地域団体向けのやさしい日本語研修の実施\n・研修の実施\n研修受講者数：300人以上\n"
        "●やさしい日本語の手引きの作成・配布\n・手引きの改訂及び配布",
        (
            _NewRow(
                "外国人市民施策推進事業",
                "5-2-1",
                "市民文化局",
                "職員及び地域団体を対象としたやさしい日本語研修を8回実施し、延べ342人が受講しました。"
                "また、手引きを改訂し、区役所や市民館等に配布しました。",
                "研修や手引きの配布により、窓口や地域活動でのやさしい日本語の活用が広がり、外国人市民とのコミュニケーション支援に貢献しました。",
                "受講者の声を踏まえて研修内容を見直し、地域団体への出前研修を拡充します。",
            ),
        ),
    ),
    _NewInitiative(
        ("Ⅲ", 3, 2),
        "オンライン国際交流の推進",
        "市立学校と海外の学校をオンラインでつなぎ、児童生徒が異なる文化や言語にふれる交流学習を実施します。",
        "●海外の学校とのオンライン交流学習の実施\n・交流校の調整及び授業の実施\n参加校数：20校以上\n"
        "●実践事例の共有\n・教員向け事例発表会の開催",
        (
            _NewRow(
                "英語教育推進事業",
                "2-2-1",
                "教育委員会事務局",
                "オーストラリア、台湾、ベトナムの学校との交流学習を22校で実施しました。"
                "また、教員向け事例発表会を開催し、交流学習の進め方を共有しました。",
                "海外の児童生徒との交流を通じて、異文化理解や英語による発信への意欲が高まり、グローバル人材の育成に貢献しました。",
                "交流先の拡大とともに、事例集を作成し、より多くの学校での実施につなげます。",
            ),
        ),
    ),
    _NewInitiative(
        ("Ⅲ", 1, 1),
        "中原区多文化共生推進事業",
        "区内の外国人市民と日本人市民が交流するイベントや情報提供を通じて、地域での多文化共生を進めます。",
        "●多文化交流イベントの開催\n・事業実施\n多文化交流イベントの参加者数：200人以上\n"
        "●外国人市民向け生活情報の提供\n・情報コーナーの運営",
        (
            _NewRow(
                "地域課題対応事業（中原区）",
                "中原区",
                "中原区役所",
                "武蔵小杉駅周辺で多文化交流イベントを開催し、236人が参加しました。"
                "また、区役所の情報コーナーで生活情報の冊子を配布しました。",
                "交流イベントには多くの国籍の市民が参加し、地域での相互理解が深まりました。",
                "地域の団体と連携し、参加者が継続して交流できる場づくりを進めます。",
            ),
        ),
    ),
)

# Wrap widths (display columns) of the text cells as the city prints them.
_TEXT_WIDTHS = {"description": 38, "plan_fy": 72, "results": 100, "reason": 60, "future_direction": 66}


def _printed(text: str, kind: str) -> str:
    return "\n".join(wrap(text, _TEXT_WIDTHS[kind]))


# --- derivation ----------------------------------------------------------------------------------


@dataclass
class _Initiative:
    id: str
    rows: list[SheetRow]

    @property
    def section(self) -> tuple[str, int, int]:
        row = self.rows[0]
        return (row.pillar, row.direction_no, row.subarea_no)

    @property
    def name(self) -> str:
        return self.rows[0].initiative_name

    def update(self, **values) -> None:
        self.rows = [replace(row, **values) for row in self.rows]


@dataclass
class _State:
    """What carries from year to year: the initiatives in sheet order and the identity registers."""

    initiatives: list[_Initiative]
    projects: dict[str, str]
    bureaus: dict[str, str]
    renamed_bureaus: dict[str, str] = field(default_factory=dict)
    paused: list[_Initiative] = field(default_factory=list)
    restructured: set[str] = field(default_factory=set)  # initiatives paused or merged: a split takes another
    added: int = 0
    new_projects: int = 0
    templates_used: int = 0


def base_year(base: Sheet) -> DerivedYear:
    """The base sheet itself as a DerivedYear (no changes), so the first year has its truth too."""
    state = _initial_state(base)
    return _snapshot(state, base.fiscal_year, [], None)


def derive_years(base: Sheet, years: list[int], seed: int, restructure: bool = False) -> list[DerivedYear]:
    """Each year of ``years`` (increasing, after the base year) derived from the one before it; with
    ``restructure`` (at least two years) also a gap year, a merge, a split, a renamed project and a
    split bureau (see the module's description)."""
    if not years or sorted(set(years)) != list(years) or years[0] <= base.fiscal_year:
        raise ValueError(f"years must increase and follow the base year {base.fiscal_year}: {years}")
    if restructure and len(years) < 2:
        raise ValueError(f"a restructure takes two derived years: {years}")
    rng = random.Random(seed)
    state = _initial_state(base)
    previous = _snapshot(state, base.fiscal_year, [], None)
    out: list[DerivedYear] = []
    for index, year in enumerate(years):
        # A reorganisation happens once: in the second derived year (the first if there is only one).
        reorganise = index == min(1, len(years) - 1)
        restructuring = _restructure(state, year, rng, index) if restructure else []
        changes = restructuring + _change_year(state, year, previous.fiscal_year, rng, reorganise, protected=restructuring)
        previous = _snapshot(state, year, changes, previous)
        out.append(previous)
    return out


def _initial_state(base: Sheet) -> _State:
    initiatives: list[_Initiative] = []
    projects: dict[str, str] = {}
    bureaus: dict[str, str] = {}
    for row in base.rows:
        if not initiatives or initiatives[-1].rows[0].initiative_no != row.initiative_no:
            initiatives.append(_Initiative(f"I{row.initiative_no:03d}", []))
        initiatives[-1].rows.append(replace(row, source_file="", source_page=None))
        projects.setdefault(row.project_name, f"P{len(projects) + 1:03d}")
        bureaus.setdefault(row.bureau, f"B{len(bureaus) + 1:02d}")
    return _State(initiatives, projects, bureaus)


def _snapshot(state: _State, year: int, changes: list[Change], previous: DerivedYear | None) -> DerivedYear:
    """Renumber the initiatives 1..N and record every row's identity."""
    rows: list[SheetRow] = []
    identity, row_identity, project_identity, bureau_identity = {}, {}, {}, {}
    for number, initiative in enumerate(state.initiatives, start=1):
        for sub_row, row in enumerate(initiative.rows, start=1):
            row = replace(row, fiscal_year=year, initiative_no=number, sub_row=sub_row)
            key = (number, sub_row)
            rows.append(row)
            identity[key] = initiative.id
            row_identity[key] = f"{initiative.id}/{sub_row}"
            if row.project_name not in state.projects:
                state.new_projects += 1
                state.projects[row.project_name] = f"NP{state.new_projects:03d}"
            project_identity[key] = state.projects[row.project_name]
            bureau_identity[key] = state.bureaus[row.bureau]
        initiative.rows = rows[-len(initiative.rows) :]
    after = {initiative.id: number for number, initiative in enumerate(state.initiatives, start=1)}
    before = previous.numbers() if previous else {}
    changes = [
        replace(change, no_before=before.get(change.initiative), no_after=after.get(change.initiative)) for change in changes
    ]
    return DerivedYear(year, tuple(rows), identity, row_identity, project_identity, bureau_identity, tuple(changes))


def _change_year(
    state: _State,
    year: int,
    previous_year: int,
    rng: random.Random,
    reorganise: bool,
    protected: list[Change] = (),
) -> list[Change]:
    """Apply one year's changes to the state, in a fixed order; returns the log. Initiatives a
    restructure changed this year (``protected``: merged, split, back, or with rows of a renamed project
    or a split bureau) are neither dropped, moved nor renamed."""
    changes: list[Change] = []
    # initiatives dropped, moved or renamed this year: one such change each
    touched: set[str] = {i for change in protected for i in (change.initiative, change.counterpart) if i}
    touched |= {
        i.id
        for change in protected
        if change.initiative is None
        for i in state.initiatives
        if any(change.after in (row.bureau, row.project_name) for row in i.rows)
    }
    for _ in range(rng.randint(1, 2)):
        changes.append(_drop(state, year, rng, touched))
    changes.append(_move(state, year, rng, touched))
    changes.append(_rename_initiative(state, year, rng, touched))
    if reorganise:
        changes.append(_rename_bureau(state, year, rng))
    changes += _regrade(state, year, rng)
    changes += _retarget(state, year, rng)
    for initiative in state.initiatives:
        # Year references follow the year (same length, so layouts stay alike).
        initiative.rows = [
            replace(
                row, **{name: _next_year_references(getattr(row, name), previous_year, year) for name in ("results", "reason")}
            )
            for row in initiative.rows
        ]
    for _ in range(rng.randint(1, 2)):
        changes.append(_add(state, year, rng))
    return changes


def _restructure(state: _State, year: int, rng: random.Random, index: int) -> list[Change]:
    """The first derived year leaves an initiative out, merges two, renames a project and merges two
    bureaus; the second brings the first back, splits one and splits a bureau."""
    touched: set[str] = set()
    if index == 0:
        return [
            _pause(state, year, rng, touched),
            _merge(state, year, rng, touched),
            _rename_project(state, year, rng, touched),
            *_merge_bureaus(state, year, rng, touched),
        ]
    if index == 1:
        return [*_return(state, year, rng, touched), _split(state, year, rng, touched), *_split_bureau(state, year, rng, touched)]
    return []


def _pause(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Leave out an initiative that is the only one of its bureau (none a merge takes) and of its
    projects, never the last of its sub-area; it comes back in the next year (``_return``)."""
    counts = Counter(initiative.section for initiative in state.initiatives)
    users = Counter(name for i in state.initiatives for name in {*(r.bureau for r in i.rows), *(r.project_name for r in i.rows)})
    merging = {name for names in BUREAU_MERGES for name in names}
    paused = rng.choice(
        [
            i
            for i in state.initiatives
            if counts[i.section] > 1
            and all(users[r.bureau] == 1 and users[r.project_name] == 1 and r.bureau not in merging for r in i.rows)
        ]
    )
    state.initiatives.remove(paused)
    state.paused.append(paused)
    state.restructured.add(paused.id)
    touched.add(paused.id)
    return Change(year, PAUSED, paused.id, paused.name, None, "事業の休止により当年度は実施せず")


def _return(state: _State, year: int, rng: random.Random, touched: set[str]) -> list[Change]:
    changes = []
    for returned in state.paused:
        _insert(state.initiatives, returned, rng)
        touched.add(returned.id)
        changes.append(Change(year, RETURNED, returned.id, None, returned.name, "事業の再開により取組を再び掲載"))
    state.paused.clear()
    return changes


def _merge(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Merge two neighbours of a sub-area with projects of their own: the first takes the second's rows,
    description and plan, and keeps its name."""
    counts = Counter(initiative.section for initiative in state.initiatives)
    pairs = [
        (a, b)
        for a, b in zip(state.initiatives, state.initiatives[1:])
        if a.section == b.section
        and counts[a.section] > 2
        and not {a.id, b.id} & touched
        and not {r.project_name for r in a.rows} & {r.project_name for r in b.rows}
    ]
    whole, part = rng.choice(pairs)
    first = whole.rows[0]
    merged = {
        "description": first.description + "\n" + part.rows[0].description,
        "plan_fy": first.plan_fy + "\n" + part.rows[0].plan_fy,
    }
    whole.rows = [replace(row, **merged) for row in whole.rows] + [
        replace(row, initiative_name=first.initiative_name, **merged) for row in part.rows
    ]
    state.initiatives.remove(part)
    state.restructured.update({whole.id, part.id})
    touched.update({whole.id, part.id})
    return Change(year, MERGED, part.id, part.name, whole.name, "類似する取組を統合", counterpart=whole.id)


def _split(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Split an initiative with rows of several projects, several sentences of description and several
    ● items of plan: the first half of each stays under its name, the rest is a new initiative named
    after its first ● heading, inserted right after it."""

    def sentences(text: str) -> list[str]:
        return [s for s in re.split(r"(?<=。)", text.replace("\n", "")) if s]

    def sections(plan: str) -> list[str]:
        return [s for s in re.split(r"\n(?=●)", plan) if s]

    candidates = [
        i
        for i in state.initiatives
        if i.id not in touched | state.restructured
        and len({r.project_name for r in i.rows}) > 1
        and len(sentences(i.rows[0].description)) > 1
        and len(sections(i.rows[0].plan_fy)) > 1
    ]
    whole = rng.choice(candidates)
    projects = list(dict.fromkeys(r.project_name for r in whole.rows))
    kept = set(projects[: (len(projects) + 1) // 2])
    said, planned = sentences(whole.rows[0].description), sections(whole.rows[0].plan_fy)
    halves = [
        {"description": "".join(said[: (len(said) + 1) // 2]), "plan_fy": "\n".join(planned[: (len(planned) + 1) // 2])},
        {
            "description": re.sub(r"^(また|さらに)、", "", "".join(said[(len(said) + 1) // 2 :])),
            "plan_fy": "\n".join(planned[(len(planned) + 1) // 2 :]),
        },
    ]
    name = halves[1]["plan_fy"].split("\n")[0].removeprefix("●")
    state.added += 1
    part = _Initiative(
        f"N{state.added:03d}",
        [replace(row, initiative_name=name, **halves[1]) for row in whole.rows if row.project_name not in kept],
    )
    whole.rows = [replace(row, **halves[0]) for row in whole.rows if row.project_name in kept]
    state.initiatives.insert(state.initiatives.index(whole) + 1, part)
    touched.update({whole.id, part.id})
    return Change(year, SPLIT, part.id, whole.name, part.name, "取組内容に応じて取組を分割", counterpart=whole.id)


def _rename_project(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Rename a project printed one way (not also spelled with or without 「の」「・」) on all its rows;
    its initiatives go on, so one reports on both names."""
    present = {row.project_name for i in state.initiatives for row in i.rows}
    users = {name: {i.id for i in state.initiatives if any(r.project_name == name for r in i.rows)} for name in present}
    spellings = Counter(re.sub("[の・]", "", name) for name in present)
    candidates = [
        (name, name[: -len(old)] + new)
        for name in sorted(present)
        for old, new in PROJECT_RENAMES
        if name.endswith(old)
        and name[: -len(old)] + new not in state.projects
        and not users[name] & touched
        and spellings[re.sub("[の・]", "", name)] == 1
    ]
    old, new = rng.choice(candidates)
    for initiative in state.initiatives:
        initiative.rows = [replace(row, project_name=new) if row.project_name == old else row for row in initiative.rows]
    state.projects[new] = state.projects[old]
    touched.update(users[old])
    return Change(year, RENAMED_PROJECT, None, old, new, "事務事業の名称変更")


def _merge_bureaus(state: _State, year: int, rng: random.Random, touched: set[str]) -> list[Change]:
    """A reorganisation that merges bureaus: all their rows get the new bureau's name."""
    present = {row.bureau for i in state.initiatives for row in i.rows}
    olds = rng.choice(
        sorted(
            names
            for names in BUREAU_MERGES
            if set(names) <= present and not any(i.id in touched for i in state.initiatives for r in i.rows if r.bureau in names)
        )
    )
    new = BUREAU_MERGES[olds]
    for initiative in state.initiatives:
        if any(row.bureau in olds for row in initiative.rows):
            initiative.rows = [replace(row, bureau=new) if row.bureau in olds else row for row in initiative.rows]
            touched.add(initiative.id)
    state.bureaus[new] = f"B{len(set(state.bureaus.values())) + 1:02d}"
    return [Change(year, MERGED_BUREAU, None, old, new, "組織改正による局の統合") for old in olds]


def _split_bureau(state: _State, year: int, rng: random.Random, touched: set[str]) -> list[Change]:
    """A reorganisation that splits a bureau: its initiatives, in sheet order, go half to each new name."""

    def initiatives_of(name: str) -> list[_Initiative]:
        return [i for i in state.initiatives if any(r.bureau == name for r in i.rows)]

    old = rng.choice(
        sorted(
            name for name in BUREAU_SPLITS if len(initiatives_of(name)) > 1 and not {i.id for i in initiatives_of(name)} & touched
        )
    )
    initiatives = initiatives_of(old)
    half = (len(initiatives) + 1) // 2
    changes = []
    for new, group in zip(BUREAU_SPLITS[old], (initiatives[:half], initiatives[half:])):
        for initiative in group:
            initiative.rows = [replace(row, bureau=new) if row.bureau == old else row for row in initiative.rows]
            touched.add(initiative.id)
        state.bureaus[new] = f"B{len(set(state.bureaus.values())) + 1:02d}"
        changes.append(Change(year, SPLIT_BUREAU, None, old, new, "組織改正による局の分割"))
    return changes


def _drop(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Drop an initiative, never the last of its sub-area, so every sub-area keeps one."""
    counts = Counter(initiative.section for initiative in state.initiatives)
    dropped = rng.choice([i for i in state.initiatives if counts[i.section] > 1 and i.id not in touched])
    state.initiatives.remove(dropped)
    touched.add(dropped.id)
    return Change(year, DROPPED, dropped.id, dropped.name, None, "事業の終了により取組を廃止")


def _move(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Move an initiative to another sub-area of its pillar, among that sub-area's initiatives."""
    counts = Counter(initiative.section for initiative in state.initiatives)
    sections = list(dict.fromkeys(initiative.section for initiative in state.initiatives))
    candidates = [
        i
        for i in state.initiatives
        if counts[i.section] > 1 and i.id not in touched and any(s[0] == i.section[0] and s != i.section for s in sections)
    ]
    moved = rng.choice(candidates)
    target = rng.choice([s for s in sections if s[0] == moved.section[0] and s != moved.section])
    origin = moved.section
    state.initiatives.remove(moved)
    template = next(i for i in state.initiatives if i.section == target).rows[0]
    moved.update(**{name: getattr(template, name) for name in ("direction_no", "direction_title", "subarea_no", "subarea_title")})
    _insert(state.initiatives, moved, rng)
    touched.add(moved.id)
    return Change(
        year,
        MOVED_SUBAREA,
        moved.id,
        _section_label(origin),
        _section_label(target),
        "施策体系の見直しにより取組の位置付けを変更",
    )


def _rename_initiative(state: _State, year: int, rng: random.Random, touched: set[str]) -> Change:
    """Rename an initiative slightly: a new ending (「…の推進」 → 「…の促進」)."""
    candidates = [
        (i, old, new)
        for i in state.initiatives
        if i.id not in touched
        for old, new in INITIATIVE_RENAMES
        if i.name.endswith(old) and not i.name.endswith(new)
    ]
    renamed, old, new = rng.choice(candidates)
    before = renamed.name
    renamed.update(initiative_name=before[: -len(old)] + new)
    touched.add(renamed.id)
    return Change(year, RENAMED_INITIATIVE, renamed.id, before, renamed.name, "取組内容の拡充に合わせて取組名を変更")


def _rename_bureau(state: _State, year: int, rng: random.Random) -> Change:
    """A reorganisation: a bureau's new name on all its rows, and on rows added from now on."""
    present = {row.bureau for initiative in state.initiatives for row in initiative.rows}
    old = rng.choice(sorted(name for name in BUREAU_RENAMES if name in present))
    new = BUREAU_RENAMES[old]
    for initiative in state.initiatives:
        initiative.rows = [replace(row, bureau=new) if row.bureau == old else row for row in initiative.rows]
    state.bureaus[new] = state.bureaus[old]
    state.renamed_bureaus[old] = new
    return Change(year, RENAMED_BUREAU, None, old, new, "組織改正による局名の変更")


def _regrade(state: _State, year: int, rng: random.Random) -> list[Change]:
    """Some rows' grades move a step: the first pick of each grade improves and the second worsens
    (where the scale allows), the others either way."""
    changes = []
    carried = [(initiative, k) for initiative in state.initiatives for k in range(len(initiative.rows))]
    for kind in (ACHIEVEMENT, CONTRIBUTION):
        for n, (initiative, k) in enumerate(rng.sample(carried, rng.randint(6, 10))):
            row = initiative.rows[k]
            scale = list(ACHIEVEMENT_CODES) if kind == ACHIEVEMENT else list(CONTRIBUTION_CODES)
            old = row.achievement_code if kind == ACHIEVEMENT else row.contribution_code
            index = scale.index(old)
            wanted = n % 2 == 0 if n < 2 else rng.random() < 0.5
            improve = index == len(scale) - 1 or (index != 0 and wanted)
            new = scale[index - 1 if improve else index + 1]
            field_name = "achievement_code" if kind == ACHIEVEMENT else "contribution_code"
            initiative.rows[k] = replace(row, **{field_name: new})
            why = "実績が目標を上回ったため評価が上昇" if improve else "実績が目標に届かず評価が低下"
            changes.append(Change(year, kind, initiative.id, old, new, why, sub_row=k + 1))
    return changes


def _retarget(state: _State, year: int, rng: random.Random) -> list[Change]:
    """New values for one KPI line of each of four initiatives' plans."""
    changes = []
    with_kpis = [
        (initiative, line)
        for initiative in state.initiatives
        for line in dict.fromkeys(initiative.rows[0].plan_fy.split("\n"))
        if KPI_LINE_RE.match(line)
    ]
    chosen: set[str] = set()
    for initiative, line in rng.sample(with_kpis, len(with_kpis)):
        if len(chosen) == 4:
            break
        if initiative.id in chosen:
            continue
        chosen.add(initiative.id)
        new_line = _new_kpi_line(line, rng)
        lines = initiative.rows[0].plan_fy.split("\n")
        initiative.update(plan_fy="\n".join(new_line if text == line else text for text in lines))
        changes.append(Change(year, KPI_TARGET, initiative.id, line, new_line, "前年度の実績を踏まえて目標値を見直し"))
    return changes


def _add(state: _State, year: int, rng: random.Random) -> Change:
    """A new initiative from the catalogue, inserted inside its sub-area, never at the sheet's end."""
    added = _new_initiative(state, year, rng)
    _insert(state.initiatives, added, rng)
    return Change(year, ADDED, added.id, None, added.name, "新たな事業の開始により取組を追加")


def _section_label(section: tuple[str, int, int]) -> str:
    pillar, direction, subarea = section
    return f"{pillar}-{direction}-{subarea}"


def _insert(initiatives: list[_Initiative], initiative: _Initiative, rng: random.Random) -> None:
    """Insert among the initiatives of its sub-area (before the last, when that ends the sheet)."""
    positions = [i for i, other in enumerate(initiatives) if other.section == initiative.section]
    choices = list(range(positions[0], positions[-1] + 2))
    if choices[-1] == len(initiatives) and len(choices) > 1:
        choices.pop()
    initiatives.insert(rng.choice(choices), initiative)


def _next_year_references(text: str, previous_year: int, year: int) -> str:
    old, new = previous_year - 2018, year - 2018
    for before, after in (
        (f"令和{old}年度", f"令和{new}年度"),
        (era_label(previous_year), era_label(year)),
    ):
        text = text.replace(before, after)
    # R4 / R４ / Ｒ４: the digits as printed.
    for letter in ("R", "Ｒ"):
        for digits in (str(old), str(old).translate(_TO_FULL)):
            printed = str(new) if digits.isascii() else str(new).translate(_TO_FULL)
            text = re.sub(rf"(?<![0-9A-Za-zＡ-Ｚａ-ｚ]){letter}{digits}(?![0-9０-９])", letter + printed, text)
    return text


def _new_initiative(state: _State, year: int, rng: random.Random) -> _Initiative:
    template = NEW_INITIATIVES[state.templates_used % len(NEW_INITIATIVES)]
    rounds = state.templates_used // len(NEW_INITIATIVES)
    state.templates_used += 1
    state.added += 1
    section_row = next(
        row for i in state.initiatives for row in i.rows if (row.pillar, row.direction_no, row.subarea_no) == template.section
    )
    name = template.name + ("（第" + str(rounds + 1) + "期）" if rounds else "")
    rows = []
    for new in template.rows:
        bureau = state.renamed_bureaus.get(new.bureau, new.bureau)
        state.bureaus.setdefault(bureau, f"B{len(set(state.bureaus.values())) + 1:02d}")
        rows.append(
            SheetRow(
                fiscal_year=year,
                initiative_no=0,
                sub_row=0,
                pillar=section_row.pillar,
                pillar_title=section_row.pillar_title,
                direction_no=section_row.direction_no,
                direction_title=section_row.direction_title,
                subarea_no=section_row.subarea_no,
                subarea_title=section_row.subarea_title,
                initiative_name=name,
                project_name=new.project_name,
                policy_code=new.policy_code,
                description=_printed(template.description, "description"),
                plan_fy=_printed(template.plan_fy, "plan_fy"),
                achievement_code=rng.choice((2, 3, 3, 3, 4)),
                results=_printed(new.results, "results"),
                contribution_code=rng.choice("AABB"),
                reason=_printed(new.reason, "reason"),
                future_direction=_printed(new.future_direction, "future_direction"),
                bureau=bureau,
                source_file="",
                source_page=None,
            )
        )
    return _Initiative(f"N{state.added:03d}", rows)


# --- files ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFile:
    """A rendered year: its file and the rows a reader must give back from it."""

    fiscal_year: int
    kind: str  # "text" or "pdf"
    path: Path
    expected: tuple[SheetRow, ...]


def write_year_files(
    derived: list[DerivedYear], directory: Path, kinds: tuple[str, ...] = ("text", "pdf"), seed: int = 0
) -> list[YearFile]:
    """Each year in each kind, as ``sheet_<letters>.txt`` / ``.pdf`` (names say nothing of the year;
    their order is shuffled). PDFs alternate between the city's A3 layout and an A4 one with a No.
    header, unmerged section rows and a row cut by a page break; both put a page break inside a
    multi-row initiative where there is one."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    jobs = [(year, kind) for year in derived for kind in kinds]
    names = rng.sample([a + b for a in string.ascii_lowercase for b in string.ascii_lowercase], len(jobs))
    files: list[YearFile] = []
    pdfs = 0
    for (year, kind), name in zip(jobs, names):
        if kind == "text":
            path = directory / f"sheet_{name}.txt"
            path.write_text(render_text_export(list(year.rows), seed=rng.randrange(1 << 30)), encoding="utf-8")
            expected = tuple(replace(row, source_file=path.name, source_page=None) for row in year.rows)
        elif kind == "pdf":
            path = directory / f"sheet_{name}.pdf"
            expected = write_sheet_pdf(path, year.sheet(path.name), _pdf_layout(year, pdfs, rng))
            pdfs += 1
        else:
            raise ValueError(f"unknown kind {kind!r}; expected 'text' or 'pdf'")
        files.append(YearFile(year.fiscal_year, kind, path, expected))
    return files


def _pdf_layout(year: DerivedYear, index: int, rng: random.Random) -> PdfLayout:
    multi = [row for row in year.rows if row.sub_row == 2]
    single = [row for row in year.rows if row.sub_row == 1 and (row.initiative_no, 2) not in year.identity]
    breaks = frozenset({(row.initiative_no, row.sub_row) for row in rng.sample(multi, min(1, len(multi)))})
    if index % 2 == 0:
        return PdfLayout(A3_LANDSCAPE, break_before=breaks)
    split = frozenset({(row.initiative_no, row.sub_row) for row in rng.sample(single, min(1, len(single)))})
    return PdfLayout(A4_LANDSCAPE, number_header=True, merged_sections=False, break_before=breaks, split_rows=split)
