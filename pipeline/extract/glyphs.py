"""Characters a PDF's text layer may name for a glyph the sheet's own character shares.

A PDF records glyphs; its text layer maps each glyph back to one character, and where a font draws
two characters with one glyph, a producer may name either. Both readers give the sheet's own
character, so a sheet reads the same from its PDF and from its text export:

- the CP932 forms: Windows software, the city's included, writes ～ ∥ － ￠ ￡ ￢ ― where Unicode-native
  software writes 〜 ‖ − ¢ £ ¬ — (a browser's PDF printer gives 〜 for the sheet's ～);
- the ideograph for a radical: Japanese fonts draw the Kangxi radicals and the CJK radical
  supplement with their ideographs' glyphs, and a browser names ⾏ for 行 or ⺠ for 民. The table
  pairs each radical with the ideograph whose glyph it shares in a Japanese font (IPAex Gothic; the
  NFKC form differs for two, ⼾ 戶 and ⿊ 黑, where Japanese writes 戸 and 黒). A radical in the
  sheet's own text is the same misnaming made earlier, when the city's file was made (the FY2022
  export has 「⾏政研修」 and 「外国⼈」), so it is read as the ideograph too.
"""

from __future__ import annotations

CP932_FORMS = {"〜": "～", "‖": "∥", "−": "－", "¢": "￠", "£": "￡", "¬": "￢", "—": "―"}

# Pairs of (radical, ideograph), concatenated.
RADICAL_IDEOGRAPHS = (
    "⺃乚⺅亻⺉刂⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺖忄⺗㣺⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺦丬⺨犭⺫罒⺭礻⺲罒⺹耂⺾艹⻁虎⻂衤⻃覀⻄西⻍辶⻏阝⻑長⻒镸⻖阝⻘青⻟飠⻤鬼⻨麦⻩黄"
    "⻫斉⻭歯⻯竜⻲亀⼀一⼁丨⼂丶⼃丿⼄乙⼅亅⼆二⼇亠⼈人⼉儿⼊入⼋八⼌冂⼍冖⼎冫⼏几⼐凵⼑刀⼒力⼓勹⼔匕⼕匚⼖匸⼗十⼘卜⼙卩⼚厂⼛厶⼜又⼝口⼞囗⼟土⼠士⼡夂⼢夊⼣夕"
    "⼤大⼥女⼦子⼧宀⼨寸⼩小⼪尢⼫尸⼬屮⼭山⼮巛⼯工⼰己⼱巾⼲干⼳幺⼴广⼵廴⼶廾⼷弋⼸弓⼹彐⼺彡⼻彳⼼心⼽戈⼾戸⼿手⽀支⽁攴⽂文⽃斗⽄斤⽅方⽆无⽇日⽈曰⽉月⽊木⽋欠"
    "⽌止⽍歹⽎殳⽏毋⽐比⽑毛⽒氏⽓气⽔水⽕火⽖爪⽗父⽘爻⽙爿⽚片⽛牙⽜牛⽝犬⽞玄⽟玉⽠瓜⽡瓦⽢甘⽣生⽤用⽥田⽦疋⽧疒⽨癶⽩白⽪皮⽫皿⽬目⽭矛⽮矢⽯石⽰示⽱禸⽲禾⽳穴"
    "⽴立⽵竹⽶米⽷糸⽸缶⽹网⽺羊⽻羽⽼老⽽而⽾耒⽿耳⾀聿⾁肉⾂臣⾃自⾄至⾅臼⾆舌⾇舛⾈舟⾉艮⾊色⾋艸⾌虍⾍虫⾎血⾏行⾐衣⾑襾⾒見⾓角⾔言⾕谷⾖豆⾗豕⾘豸⾙貝⾚赤⾛走"
    "⾜足⾝身⾞車⾟辛⾠辰⾡辵⾢邑⾣酉⾤釆⾥里⾦金⾧長⾨門⾩阜⾪隶⾫隹⾬雨⾭靑⾮非⾯面⾰革⾱韋⾲韭⾳音⾴頁⾵風⾶飛⾷食⾸首⾹香⾺馬⾻骨⾼高⾽髟⾾鬥⾿鬯⿀鬲⿁鬼⿂魚⿃鳥"
    "⿄鹵⿅鹿⿆麥⿇麻⿈黃⿉黍⿊黒⿋黹⿌黽⿍鼎⿎鼓⿏鼠⿐鼻⿑齊⿒齒⿓龍⿔龜⿕龠"
)

_TABLE = str.maketrans(
    {
        **CP932_FORMS,
        **{RADICAL_IDEOGRAPHS[i]: RADICAL_IDEOGRAPHS[i + 1] for i in range(0, len(RADICAL_IDEOGRAPHS), 2)},
    }
)


def canonical_text(text: str) -> str:
    """The text with every character named for a shared glyph as the sheet's own."""
    return text.translate(_TABLE)
