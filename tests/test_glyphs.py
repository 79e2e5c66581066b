"""The glyph twins both readers fold: checked against a Japanese font's own character map."""

from fontTools.ttLib import TTFont
from pdf_fixtures import FONT_FILES

from pipeline.extract.glyphs import RADICAL_IDEOGRAPHS, canonical_text


def test_every_radical_maps_to_the_ideograph_whose_glyph_it_shares_in_a_japanese_font():
    cmap = TTFont(FONT_FILES["IPAexGothic"][0]).getBestCmap()
    pairs = {RADICAL_IDEOGRAPHS[i]: RADICAL_IDEOGRAPHS[i + 1] for i in range(0, len(RADICAL_IDEOGRAPHS), 2)}
    radicals = {code for code in cmap if 0x2E80 <= code < 0x2FE0}
    shared = {code for code in radicals if any(cmap.get(ord(c)) == cmap[code] for c in pairs.get(chr(code), ""))}
    assert len(pairs) == 258
    assert {ord(radical) for radical in pairs} == shared
    assert all(cmap[ord(radical)] == cmap[ord(ideograph)] for radical, ideograph in pairs.items())


def test_text_from_a_browsers_pdf_reads_as_the_sheet_wrote_it():
    assert canonical_text("進⾏管理シート 市⺠ 4⽉〜3⽉ ⼾籍 ⿊字") == "進行管理シート 市民 4月～3月 戸籍 黒字"
    assert canonical_text("取組の内容：85件以上") == "取組の内容：85件以上"
