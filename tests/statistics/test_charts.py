"""SVG charts: accessible, no inline styles, CJK labels fit, round axis ticks."""
from app.statistics.charts import Series, bar_chart, column_chart, fit, nice_ticks, text_width


def test_bar_chart_is_an_accessible_image_without_style_attributes():
    svg = str(bar_chart(chart_id="c1", title="Startups <by> stage", desc="Bars.", labels=["Seed", "Idea"],
                        series=[Series("Startups", [3, 1])]))
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="c1-t c1-d"' in svg
    assert '<title id="c1-t">Startups &lt;by&gt; stage</title>' in svg
    assert "style=" not in svg and "<script" not in svg
    assert svg.count("<rect") == 2


def test_cjk_labels_are_measured_wider_and_shortened_to_fit():
    assert text_width("量子传感") > text_width("abcd")
    label = fit("超导量子计算机原型机的产业化路演第二季", 120)
    assert label.endswith("…") and text_width(label) <= 120
    svg = str(bar_chart(chart_id="c2", title="t", desc="d", labels=["超导量子计算机原型机的产业化路演第二季" * 3],
                        series=[Series("观众", [5])]))
    assert "…" in svg and "超导量子计算机原型机的产业化路演第二季" * 3 in svg  # full text kept in the tooltip


def test_stacked_columns_stack_and_label_every_week():
    svg = str(column_chart(chart_id="c3", title="t", desc="d", labels=["Nov 2", "Nov 9"],
                           series=[Series("A", [1, 0]), Series("B", [2, 3])]))
    assert svg.count("<rect") == 3 + 2  # bars plus two legend swatches
    assert "Nov 2" in svg and "Nov 9" in svg


def test_empty_chart_says_so():
    svg = str(column_chart(chart_id="c4", title="t", desc="d", labels=["W1"], series=[Series("A", [0])],
                           empty="Nothing yet"))
    assert "Nothing yet" in svg


def test_nice_ticks_are_round():
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(1234)[-1] >= 1234 and nice_ticks(1234)[1] == 500
