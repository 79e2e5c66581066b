{#-
    Text normalisation shared by staging and the KPI parsers.

    `nfkc` is Unicode NFKC (compatibility normalisation) restricted to characters that map to exactly
    one character: full-width ASCII (０-９ Ａ-Ｚ ：（）％，－ …), the ideographic space 「　」,
    half-width katakana, the Kangxi radicals a PDF text layer can put in place of ordinary kanji
    (⾏ → 行), and super- and subscript digits (CO₂ → CO2). Because every character maps to one
    character, a normalised string is as long as the original: a position found in the normalised
    text is the same position in the text as printed, which is how the parsers return the original
    wording. DuckDB has no NFKC function; the two strings below are `unicodedata.normalize("NFKC", c)`
    for each such character c (tests/test_warehouse_model.py checks that they still are).
-#}
{% macro nfkc(expression) -%}
    translate({{ expression }}, '{% raw %}　！＂＃＄％＆＇（）＊＋，－．／０１２３４５６７８９：；＜＝＞？＠ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ［＼］＾＿｀ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ｛｜｝～｡｢｣､･ｦｧｨｩｪｫｬｭｮｯｰｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟ￠￡￢￤￥￦⼀⼁⼂⼃⼄⼅⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼢⼣⼤⼥⼦⼧⼨⼩⼪⼫⼬⼭⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼹⼺⼻⼼⼽⼾⼿⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥⽦⽧⽨⽩⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽⽾⽿⾀⾁⾂⾃⾄⾅⾆⾇⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾓⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣⾤⾥⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺⾻⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅⿆⿇⿈⿉⿊⿋⿌⿍⿎⿏⿐⿑⿒⿓⿔⿕⁰ⁱ⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₔₕₖₗₘₙₚₛₜ²³¹⺟⻳{% endraw %}', '{% raw %} !"#$%&''()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\]^_`abcdefghijklmnopqrstuvwxyz{|}~。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン゙゚¢£¬¦¥₩一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山巛工己巾干幺广廴廾弋弓彐彡彳心戈戶手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠0i456789+−=()n0123456789+−=()aeoxəhklmnpst231母龟{% endraw %}')
{%- endmacro %}


{#- A key for matching names and metrics: NFKC, then canonical composition, no white space, lower case,
    every kind of bracket as ( ). Never shown to people; the original text is kept beside it. -#}
{% macro match_key(expression) -%}
    translate(lower(regexp_replace(nfc_normalize({{ nfkc(expression) }}), '\s+', '', 'g')), '【】[]〔〕〈〉', '()()()()')
{%- endmacro %}


{#- A code such as 施策番号 「４－４－１」: NFKC, no white space, every dash as "-". -#}
{% macro normalize_code(expression) -%}
    translate(regexp_replace({{ nfkc(expression) }}, '\s+', '', 'g'), '‐‑‒–—―−ー', '--------')
{%- endmacro %}


{#- Text with white space (including the ideographic space) trimmed from both ends; null when empty. -#}
{% macro trim_text(expression) -%}
    nullif(regexp_replace({{ expression }}, '^[\s　]+|[\s　]+$', '', 'g'), '')
{%- endmacro %}
