"""The charts are SVG a person reads at a glance and a screen reader can say, with nothing a
strict Content-Security-Policy would block."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ivr.web.charts import Series, bar_list, bars, histogram, nice_ceiling, stacked_bars

SVG = "{http://www.w3.org/2000/svg}"
DAYS = ["12-01", "12-02", "12-03"]


def parsed(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


CHARTS = {
    "stacked": stacked_bars(
        DAYS,
        [
            Series("answered", "s-answered", [5, 0, 12]),
            Series("abandoned", "s-abandoned", [1, 0, 3]),
        ],
        title="Calls per day",
        x_label="day",
        y_label="calls",
    ),
    "bars": bars(DAYS, [80.0, None, 50.0], title="Service level", x_label="day", y_label="%"),
    "histogram": histogram(
        [("<10 s", 2), ("10-30 s", 0)], title="Abandoned after", x_label="waited", y_label="calls"
    ),
    "list": bar_list([("bill", 7), ('power <out> & "more"', 3)], title="Top reasons"),
}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_titled_and_described_for_a_screen_reader(name: str) -> None:
    root = parsed(CHARTS[name])
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


@pytest.mark.parametrize("name", CHARTS)
def test_no_chart_has_a_style_attribute_or_a_script(name: str) -> None:
    root = parsed(CHARTS[name])
    assert all("style" not in element.attrib for element in root.iter())
    assert root.find(f".//{SVG}script") is None


def test_stacked_bars_write_each_days_total_and_name_their_axes() -> None:
    labels = texts(parsed(CHARTS["stacked"]))
    assert {"6", "15", "calls", "day", "answered", "abandoned", "12-01"} <= set(labels)


def test_a_day_without_data_is_a_dash_not_a_zero_bar() -> None:
    root = parsed(CHARTS["bars"])
    assert "–" in texts(root)
    assert len(root.findall(f".//{SVG}rect")) == 2


def test_labels_are_escaped() -> None:
    root = parsed(CHARTS["list"])  # would not parse if they were not
    assert 'power <out> & "more"' in texts(root)


def test_the_axis_top_is_a_round_number_at_or_above_the_highest_value() -> None:
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 12, 20, 21, 480)] == [
        1,
        1,
        5,
        10,
        20,
        20,
        50,
        500,
    ]


def test_gridlines_fall_on_round_numbers() -> None:
    root = parsed(bars(["a"], [9], title="t", x_label="x", y_label="y"))
    assert [t for t in texts(root) if t in {"0", "2", "4", "6", "8", "10"}] == [
        "0",
        "2",
        "4",
        "6",
        "8",
        "10",
    ]
