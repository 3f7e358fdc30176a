import base64
import io
import re

from fontTools.ttLib import TTFont

from workbench.reports.fonts import embed_cjk_font


def test_embedded_font_covers_every_character_of_the_page():
    page = "<html><head><title>报告</title></head><body><h1>2024年Q4华东区域客户画像分析报告</h1></body></html>"
    out = embed_cjk_font(page)
    font_data = re.search(r"data:font/otf;base64,([A-Za-z0-9+/=]+)", out)[1]
    font = TTFont(io.BytesIO(base64.b64decode(font_data)))
    covered = set(font.getBestCmap())
    assert {ord(c) for c in "2024年Q4华东区域客户画像分析报告"} <= covered
    assert len(font.getBestCmap()) < 80  # a subset, not the whole 60k-glyph font
    assert out.index("@font-face") < out.index("</head>")


def test_pages_without_chinese_are_left_alone():
    page = "<html><head></head><body>Revenue 2024 Q4</body></html>"
    assert embed_cjk_font(page) == page
