"""Server-side SVG charts and CSV cells: right proportions, escaped text, no formulas."""

import re
import xml.etree.ElementTree as ET

from voice.web.charts import Segment, Series, bars, counted, funnel, nice_ticks, stacked_series
from voice.web.tables import csv_cell

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def test_axis_ticks_are_round_and_reach_the_top():
    assert nice_ticks(118) == [0, 25, 50, 75, 100, 125]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0, 1]


def test_a_stacked_series_is_an_image_named_by_its_title_and_totals():
    series = [Series("A", [1, 3]), Series("B", [2, 0])]
    svg = parse(stacked_series("Calls", ["03-01", "03-02"], series))
    assert svg.get("role") == "img"
    named = [
        svg.find(f".//*[@id='{svg.get(a)}']").text for a in ("aria-labelledby", "aria-describedby")
    ]
    assert named == ["Calls", "2 points; A: 4 calls; B: 2 calls"]
    tops = [p.get("points").split()[:2] for p in svg.iter(f"{SVG}polygon")]
    a_top, b_top = ([float(xy.split(",")[1]) for xy in pts] for pts in tops)
    assert b_top[0] < a_top[0] and b_top[1] == a_top[1]  # B stacks on A; B is 0 on day 2


def test_bars_are_as_long_as_their_values_and_text_is_escaped():
    svg = parse(bars("Why", [("<script>", 40), ("b & c", 10)]))
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == 4 * widths[1]
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "<script>" in texts and "b & c" in texts  # parsed back from &lt;script&gt;


def test_a_funnel_row_is_as_wide_as_its_share_of_the_first():
    svg = parse(funnel("F", [[Segment("All", 100)], [Segment("Yes", 60), Segment("No", 20)]]))
    boxes = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.get("height") == "30"]
    assert boxes == [760.0, 456.0, 152.0]
    assert re.search(r"Yes 60 \(60%\)", ET.tostring(svg, encoding="unicode"))


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted():
    assert [csv_cell(v) for v in ("=1+1", "+1555", "-2", "@SUM(A1)", "\tx")] == [
        "'=1+1", "'+1555", "'-2", "'@SUM(A1)", "'\tx"
    ]  # fmt: skip
    assert [csv_cell(v) for v in (None, True, 0.33333, 12.5, 3, "ok")] == [
        "", "true", "0.3333", "12.5", "3", "ok"
    ]  # fmt: skip


def test_one_call_is_one_call_not_one_calls():
    assert counted(1) == "1 call" and counted(0) == "0 calls" and counted(12_500) == "12.5k calls"
    svg = ET.tostring(parse(bars("Why", [("a", 1), ("b", 2)])), encoding="unicode")
    assert "a: 1 call" in svg and "b: 2 calls" in svg and "1 calls" not in svg


def test_a_funnel_leaves_out_empty_boxes_and_wraps_a_long_caption_inside_the_chart():
    names = ["Reached a person", "Callback requested", "Left a voicemail", "No one answered",
             "Hung up before a person"]  # fmt: skip
    svg = parse(funnel("F", [[Segment("Greeted", 500)], [Segment(n, 100) for n in names],
                             [Segment("Nobody", 0)]]))  # fmt: skip
    boxes = [r for r in svg.iter(f"{SVG}rect") if r.get("height") == "30"]
    assert len(boxes) == 6  # no box for the stage no call reached
    texts = [t for t in svg.iter(f"{SVG}text")]
    assert "Nobody" not in " ".join(t.text for t in texts)
    width = float(svg.get("viewBox").split()[2])
    for text in texts:  # about 0.56 em a character: every caption ends inside the chart
        assert float(text.get("x")) + len(text.text) * 13 * 0.56 <= width
    assert len({t.get("y") for t in texts if t.text.startswith(tuple(names))}) == 2


def test_each_series_and_box_can_carry_its_outcomes_colour():
    svg = parse(stacked_series("S", ["a", "b"], [Series("Hung up", [1, 2], "outcome-abandoned")]))
    assert [p.get("class") for p in svg.iter(f"{SVG}polygon")] == ["outcome-abandoned"]
    assert "Hung up: 3 calls" in ET.tostring(svg, encoding="unicode")


def test_bar_labels_get_the_room_they_need_and_a_long_one_is_cut_but_named_in_full():
    long_name = "Complaint or cancellation: always handled by a person, every single time"
    svg = parse(bars("Why", [(long_name, 10), ("short", 5)]))
    label = next(t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end")
    assert label.text.endswith("…") and float(label.get("x")) - len(label.text) * 13 * 0.56 >= 0
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert f"{long_name}: 10 calls" in titles
    short = parse(bars("Why", [("asked for a person", 3)]))
    assert [t.text for t in short.iter(f"{SVG}text")][0] == "asked for a person"
