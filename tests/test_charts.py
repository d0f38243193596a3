"""The chart module: every chart carries its title, units, source and description,
renders without touching the network, and uses fixed colours."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest

from chipbook import charts, paths, vocabulary


@pytest.fixture
def small_chart():
    charts.enable()  # the book's theme, as a chapter's setup cell turns it on (a page leaves it out of each chart)
    data = pd.DataFrame({"vendor": ["Google", "AWS", "NVIDIA"], "value": [1, 2, 3]})
    return alt.Chart(data).mark_bar().encode(x="value:Q", y="vendor:N",
                                              color=alt.Color("vendor:N", scale=charts.vendor_scale()))


def finished(chart, **overrides):
    parts = dict(title="AWS leads", subtitle="Units, as of 2026-01-01", source="Test source",
                 description="Three bars", data_files=["claims.csv"])
    parts.update(overrides)
    return charts.finish(chart, **parts)


@pytest.mark.parametrize("missing", ["title", "subtitle", "source", "description"])
def test_finish_refuses_a_chart_without_its_parts(small_chart, missing):
    with pytest.raises(ValueError, match=missing):
        finished(small_chart, **{missing: "  "})


def test_renderer_emits_an_offline_figure(small_chart):
    bundle = charts.offline_renderer(finished(small_chart).to_dict())
    page = bundle["text/html"]
    assert page.startswith("<figure") and "chipbookDraw(" in page
    assert "Source: Test source." in page and 'href="../data/claims.csv"' in page
    assert 'aria-label="Three bars"' in page
    assert not re.search(r"<script[^>]+src=|cdn\.|jsdelivr|unpkg", page)
    assert bundle["text/plain"] == "<Chart: AWS leads>"


def test_renderer_escapes_script_endings_in_data():
    data = pd.DataFrame({"label": ["</script><script>alert(1)</script>"], "value": [1]})
    chart = finished(alt.Chart(data).mark_bar().encode(x="value:Q", y="label:N"))
    page = charts.offline_renderer(chart.to_dict())["text/html"]
    assert page.count("</script>") == 1  # only the renderer's own closing tag


def test_renderer_refuses_unfinished_charts(small_chart):
    with pytest.raises(ValueError, match="finish"):
        charts.offline_renderer(small_chart.to_dict())


def test_renderer_enforces_the_page_weight_budget():
    data = pd.DataFrame({"x": range(4000), "y": range(4000)})
    chart = finished(alt.Chart(data).mark_point().encode(x="x:Q", y="y:Q"))
    with pytest.raises(ValueError, match="aggregate"):
        charts.offline_renderer(chart.to_dict())


def test_vendor_colours_are_fixed_and_amazon_is_aws():
    scale = charts.vendor_scale(["NVIDIA", "Google", "AWS"]).to_dict()
    assert scale["range"] == [charts.VENDOR_COLORS[v] for v in ("NVIDIA", "Google", "AWS")]
    assert charts.VENDOR_COLORS["Amazon"] == charts.VENDOR_COLORS["AWS"]
    with pytest.raises(KeyError, match="Intel"):
        charts.vendor_scale(["Intel"])


def test_verdict_and_stance_colours_cover_the_vocabulary():
    from chipbook.vocabulary import STANCES, VERDICTS
    assert list(charts.VERDICT_COLORS) == VERDICTS and list(charts.STANCE_COLORS) == STANCES
    assert len(set(charts.VERDICT_COLORS.values())) == len(VERDICTS)


def test_enable_sets_theme_and_renderer(small_chart):
    charts.enable()
    assert alt.renderers.active == "chipbook" and alt.theme.active == "chipbook"
    spec = finished(small_chart).to_dict()
    assert spec["config"]["background"] == "white"
    assert json.dumps(spec).count("cdn") == 0


def test_root_is_found_from_any_working_directory(tmp_path):
    code = "from chipbook import paths; print(paths.ROOT)"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == str(paths.ROOT)
    assert (paths.DATA_DIR / "datapackage.json").exists()


def test_root_can_be_set_explicitly(tmp_path, monkeypatch):
    monkeypatch.setenv("CHIPBOOK_ROOT", str(tmp_path))
    assert paths.find_root() == tmp_path.resolve()
    monkeypatch.delenv("CHIPBOOK_ROOT")
    with pytest.raises(FileNotFoundError, match="_toc.yml"):
        paths.find_root(tmp_path)


PALETTES = {"vendor": charts.VENDOR_COLORS, "verdict": charts.VERDICT_COLORS, "stance": charts.STANCE_COLORS,
            "series": {"one series": charts.SERIES}}


@pytest.mark.parametrize("palette", PALETTES)
@pytest.mark.parametrize("background", [charts.LIGHT_BACKGROUND, charts.DARK_BACKGROUND])
def test_every_colour_stands_out_on_both_page_backgrounds(palette, background):
    weak = {name: round(charts.contrast(colour, background), 2) for name, colour in PALETTES[palette].items()
            if charts.contrast(colour, background) < 3}
    assert not weak, f"{palette} colours under 3:1 against {background}: {weak}"


@pytest.mark.parametrize("palette", PALETTES)
def test_text_on_every_colour_is_legible(palette):
    weak = {name: round(charts.contrast(colour, charts.text_color_on(colour)), 2)
            for name, colour in PALETTES[palette].items()
            if charts.contrast(colour, charts.text_color_on(colour)) < 4.5}
    assert not weak, f"text on {palette} colours under 4.5:1: {weak}"


def test_contrast_matches_wcag_reference_values():
    assert charts.contrast("#000000", "#ffffff") == pytest.approx(21)
    assert charts.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert charts.text_color_on("#FF9900") == charts.DARK_TEXT and charts.text_color_on("#D62728") == charts.LIGHT_TEXT


def test_badge_css_gives_each_verdict_its_colour_and_legible_text():
    sys.path.insert(0, str(paths.ROOT / "_ext"))
    import chipbook_sphinx
    rule = chipbook_sphinx._badge_rule("verdict", "partly supported", charts.VERDICT_COLORS["partly supported"])
    colour = charts.VERDICT_COLORS["partly supported"]
    text = re.search(r"color: (#\w+)", rule).group(1)
    assert rule.startswith(".chipbook-verdict-partly-supported {") and f"background: {colour}" in rule
    assert charts.contrast(colour, text) >= 4.5


@pytest.mark.parametrize("value", ["2025-09-17", pd.Timestamp("2025-09-17"), pd.Timestamp("2025-09-17").date()])
def test_vega_date_is_a_local_date_time(value):
    assert charts.vega_date(value) == "2025-09-17T00:00:00"


def test_vega_date_refuses_non_dates_and_time_zones():
    with pytest.raises(ValueError):
        charts.vega_date("not a date")
    with pytest.raises(ValueError, match="time zone"):
        charts.vega_date(pd.Timestamp("2025-09-17", tz="UTC"))


def test_pandas_dates_reach_the_chart_as_local_date_times():
    data = pd.DataFrame({"date": pd.to_datetime(["2025-09-17"]), "value": [1]})
    spec = finished(alt.Chart(data).mark_point().encode(x="date:T", y="value:Q")).to_dict()
    assert list(spec["datasets"].values())[0][0]["date"] == "2025-09-17T00:00:00"
    charts.offline_renderer(spec)  # accepted


def test_renderer_refuses_date_only_strings_that_browsers_read_as_utc():
    data = pd.DataFrame({"date": ["2025-09-17"], "value": [1]})
    spec = finished(alt.Chart(data).mark_rule().encode(x="date:T")).to_dict()
    with pytest.raises(ValueError, match="'date'.*vega_date"):
        charts.offline_renderer(spec)
    data = pd.DataFrame({"date": pd.to_datetime(["2025-09-17"]), "value": [1]})
    chart = alt.Chart(data).mark_point().encode(x="date:T").transform_filter("datum.date < toDate('2026-11-21')")
    with pytest.raises(ValueError, match="vega_date"):
        charts.offline_renderer(finished(chart).to_dict())
    domain = alt.Chart(data).mark_point().encode(x=alt.X("date:T", scale=alt.Scale(domain=["2024-01-01", "2026-12-31"])))
    with pytest.raises(ValueError, match="'2024-01-01'.*vega_date"):
        charts.offline_renderer(finished(domain).to_dict())
    fixed = alt.Chart(data).mark_point().encode(x="date:T").transform_filter(
        f"datum.date < toDate('{charts.vega_date('2026-11-21')}')")
    charts.offline_renderer(finished(fixed).to_dict())


@pytest.mark.parametrize("name", ["CHIP_MAKERS", "INVESTORS", "VENDOR_GROUPS", "INCIDENT_OWNERS"])
def test_every_vendor_the_charts_colour_has_a_colour(name):
    """Charts colour these columns by vendor: each value of their vocabulary needs a colour."""
    values = getattr(vocabulary, name)
    assert set(values) <= set(charts.VENDOR_COLORS), f"no colour for {set(values) - set(charts.VENDOR_COLORS)}"


def test_verdicts_and_stances_are_coloured_in_vocabulary_order():
    assert list(charts.VERDICT_COLORS) == vocabulary.VERDICTS
    assert list(charts.STANCE_COLORS) == vocabulary.STANCES


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of a `#rrggbb` colour."""
    def linear(v):
        v /= 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    xyz = ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, 0.2126 * r + 0.7152 * g + 0.0722 * b,
           (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883)
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _distance(first: str, second: str) -> float:
    """CIE76 colour difference: about 2.3 is just noticeable; the book keeps meanings 20 apart."""
    return sum((a - b) ** 2 for a, b in zip(_lab(first), _lab(second))) ** 0.5


def test_one_colour_one_meaning_across_the_book():
    """A vendor's hue means that vendor only: no verdict, stance or single-series colour is a
    vendor's, or near one (the verdicts' family sits apart from every vendor hue); grey
    (NEUTRAL) means other or not known wherever it appears; stances reuse the verdicts'
    colours for the same direction, and nothing else shares a colour."""
    vendors = {v: c for v, c in charts.VENDOR_COLORS.items() if v not in ("Amazon", "Other")}
    others = {**{f"verdict {k}": c for k, c in charts.VERDICT_COLORS.items() if c != charts.NEUTRAL},
              "one series": charts.SERIES}
    near = {(v, o): round(_distance(a, b), 1) for v, a in vendors.items() for o, b in others.items()
            if _distance(a, b) < 20}
    assert not near, f"colours too near a vendor's: {near}"
    assert charts.VENDOR_COLORS["Other"] == charts.VERDICT_COLORS["unverified"] == charts.NEUTRAL
    assert set(charts.STANCE_COLORS.values()) <= set(charts.VERDICT_COLORS.values())
    assert charts.STANCE_COLORS["supports"] == charts.VERDICT_COLORS["supported"]
    assert charts.STANCE_COLORS["contradicts"] == charts.VERDICT_COLORS["contradicted"]
    distinct = list(vendors.values()) + list(charts.VERDICT_COLORS.values()) + [charts.SERIES]
    assert len(set(distinct)) == len(distinct)
    assert charts.VENDOR_COLORS["Anthropic"] != charts.VENDOR_COLORS["AWS"]


def test_grade_colours_run_from_the_series_colour_to_pale_in_order():
    ramp = charts.grade_colors(["high", "medium", "low"])
    assert list(ramp) == ["high", "medium", "low"] and ramp["high"] == charts.SERIES
    lightness = [charts.luminance(c) for c in ramp.values()]
    assert lightness == sorted(lightness)  # each grade paler than the one before
    assert all(charts.contrast(c, charts.text_color_on(c)) >= 4.5 for c in ramp.values())


# --- the narrow layout and the helpers of the chart standard ----------------------------------

def test_finish_keeps_a_narrow_layout_with_the_same_words_and_one_copy_of_its_data(small_chart):
    narrow = small_chart.properties(width=charts.NARROW_WIDTH_PX)
    spec = finished(small_chart, narrow=narrow).to_dict()
    kept = spec["usermeta"]["chipbook"]["narrow"]
    assert kept["title"] == spec["title"] and kept["description"] == spec["description"]
    assert kept["usermeta"]["chipbook"]["source"] == "Test source"
    page = charts.offline_renderer(spec)["text/html"]
    drawn = json.loads(re.search(r"chipbookDraw\(\"[^\"]+\",(\{.*\}),\{\"renderer", page).group(1))
    assert "datasets" not in drawn["usermeta"]["chipbook"]["narrow"]  # it reads the wide layout's tables
    assert len(drawn["datasets"]) == 1  # the table both layouts draw, stored once
    assert drawn["usermeta"]["chipbook"]["narrow_below"] == charts.NARROW_BELOW_PX


def test_the_page_carries_the_narrow_layout_as_what_differs_from_the_wide_one(small_chart):
    narrow = small_chart.properties(width=charts.NARROW_WIDTH_PX)
    spec = finished(small_chart, narrow=narrow).to_dict()
    page = charts.offline_renderer(spec)["text/html"]
    drawn = json.loads(re.search(r"chipbookDraw\(\"[^\"]+\",(\{.*\}),\{\"renderer", page).group(1))
    patch = drawn["usermeta"]["chipbook"]["narrow"]
    assert patch == {"$keys": {"width": {"$set": charts.NARROW_WIDTH_PX}}}  # words, theme and data are the wide one's
    # The page gives the chart back its figure's label and the page's theme (window.chipbookTheme).
    assert "description" not in drawn and "config" not in drawn
    wide = {**{k: v for k, v in drawn.items() if k not in ("datasets", "usermeta")},
            "description": spec["description"], "config": charts.theme()["config"]}
    kept = {k: v for k, v in spec["usermeta"]["chipbook"]["narrow"].items() if k not in ("datasets", "usermeta")}
    assert charts.apply_narrow_patch(wide, patch) == kept


@pytest.mark.parametrize("wide, narrow", [
    ({"a": 1, "b": [1, 2, {"c": 3}], "d": None}, {"a": 1, "b": [1, 5, {"c": 4, "e": None}], "f": "x"}),
    ({"layer": [{"mark": "bar"}]}, {"layer": [{"mark": "bar"}, {"mark": "text"}]}),
    ({"layer": [{"mark": "bar"}, {"mark": "text"}, {"mark": "rule"}]}, {"layer": [{"mark": "point"}]}),
    ({"axis": {"title": "t"}}, {"axis": None}),
    ({"x": 1}, {"x": 1}),
])
def test_a_narrow_patch_rebuilds_the_narrow_layout(wide, narrow):
    assert charts.apply_narrow_patch(wide, charts.narrow_patch(wide, narrow)) == narrow


def test_a_chart_without_a_narrow_layout_has_none(small_chart):
    spec = finished(small_chart).to_dict()
    assert "narrow" not in spec["usermeta"]["chipbook"]
    assert "narrow_below" not in charts.offline_renderer(spec)["text/html"]


def test_the_narrow_layout_is_held_to_the_date_rule(small_chart):
    data = pd.DataFrame({"date": ["2025-09-17"], "value": [1]})
    narrow = alt.Chart(data).mark_rule().encode(x="date:T")
    with pytest.raises(ValueError, match="vega_date"):
        charts.offline_renderer(finished(small_chart, narrow=narrow).to_dict())


def test_lookup_writes_a_per_category_expression():
    expression = charts.lookup("kind", {"a": -12, "b's": "two"}, "0")
    assert expression == 'datum.kind == "a" ? -12 : datum.kind == "b\'s" ? "two" : 0'


def test_label_rows_puts_one_label_per_row_above_it():
    data = pd.DataFrame({"row": ["long label one", "long label one", "two"], "value": [1, 2, 3]})
    layer = charts.label_rows([alt.Chart(data).mark_bar(height=12).encode(x="sum(value):Q")], "row", width=200,
                              row_height=12).to_dict()
    labels = layer["layer"][-1]
    assert labels["mark"]["type"] == "text" and labels["transform"] == [{"aggregate": [], "groupby": ["row"]}]
    assert layer["width"] == 200 and layer["height"] == {"step": 32}


def test_backdrops_get_names_of_their_own_and_the_theme_inks_legend_symbols():
    data = pd.DataFrame({"x": [1]})
    first, second = (charts.backdrop(alt.Chart(data).mark_rect()).to_dict()["name"] for _ in range(2))
    assert first != second and first.startswith("backdrop_") and second.startswith("backdrop_")
    # Two backdrops in each of two panels: Altair renames layers in a concatenation, and Vega
    # refuses two marks of one name.
    def panel():
        return alt.layer(*(charts.backdrop(alt.Chart(data).mark_rect().encode(x="x:Q")) for _ in range(2)))
    names = [layer["name"] for view in alt.vconcat(panel(), panel()).to_dict()["vconcat"] for layer in view["layer"]]
    assert len(set(names)) == 4 and all(name.startswith("backdrop_") for name in names)
    legend = charts.theme()["config"]["legend"]
    assert legend["symbolBaseFillColor"] == legend["symbolBaseStrokeColor"] == charts.INK
    assert charts.contrast(charts.INK, charts.LIGHT_BACKGROUND) >= 3


def test_agree_picks_the_word_for_the_count():
    assert [charts.agree(n, "holds", "hold") for n in (0, 1, 2)] == ["hold", "holds", "hold"]


def test_wrap_lines_breaks_long_labels_for_an_axis_that_draws_lines():
    assert charts.wrap_lines("Apollo and Blackstone vehicle", 14) == "Apollo and\nBlackstone\nvehicle"
    # A hyphenated word stays whole: a phone must not show "data-" over "center".
    assert charts.wrap_lines("the data-center lease", 10) == "the\ndata-center\nlease"
    assert charts.LINES == "split(datum.label, '\\n')"
