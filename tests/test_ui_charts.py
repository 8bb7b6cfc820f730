"""Charts are drawn without schema validation in the app and with it in the tests."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

import ui


def broken_chart() -> alt.Chart:
    """A chart whose spec the Vega-Lite schema rejects (a height that is not a number)."""
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    chart.height = "tall"  # set after building, as a builder's mistake would slip through
    return chart


def test_the_tests_validate_every_chart_the_pages_draw():
    assert ui.VALIDATE_CHARTS
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        ui.altair_chart(broken_chart())


def test_the_app_draws_charts_without_validating_them(monkeypatch):
    monkeypatch.setattr(ui, "VALIDATE_CHARTS", False)
    ui.altair_chart(broken_chart())  # drawn as given; the builders' specs are the tests' concern


def test_a_chart_drawn_without_validation_has_the_same_spec(monkeypatch):
    monkeypatch.setattr(ui, "VALIDATE_CHARTS", False)
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    expected = chart.to_dict()
    ui.altair_chart(chart)
    assert chart.to_dict() == expected and "to_dict" not in chart.to_dict()
