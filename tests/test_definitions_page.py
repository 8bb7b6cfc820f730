"""The Definitions page: every metric in both languages for every role, search, and the settings in force
read from the settings tables (on the hand-made data and on the demo data)."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from lib import i18n
from lib.access import NATIONAL
from lib.domain import ROLES
from lib.messages.definitions import METRIC_GROUPS
from lib.messages.metrics import METRICS
from lib.queries import definitions
from tests import fixture_regions
from tests.test_app import PAGE_FILES, USER_OF_ROLE, signed_in, titles

D = dt.date


def definitions_page(username: str, lang: str | None = None, search: str | None = None) -> AppTest:
    at = signed_in(username, lang=lang)
    if search:
        at.query_params["q"] = search
    at.switch_page(PAGE_FILES["definitions"]).run()
    assert not at.exception, at.exception
    return at


def listed_metrics(at: AppTest, lang: str) -> set[str]:
    """The metrics whose name is shown in bold on the page."""
    text = "\n".join(m.value for m in at.markdown)
    return {m for m in METRICS if f"**{i18n.t(lang, f'metric.{m}')}**" in text}


def test_every_metric_is_in_exactly_one_group():
    """The page's groups cover METRICS, each metric once, in METRICS order within a group."""
    grouped = [m for metrics in METRIC_GROUPS.values() for m in metrics]
    assert sorted(grouped) == sorted(METRICS) and len(grouped) == len(set(grouped))
    for metrics in METRIC_GROUPS.values():
        assert list(metrics) == sorted(metrics, key=METRICS.index)


@pytest.mark.usefixtures("demo_app_env")
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_role_sees_every_metric_in_both_languages(role, lang):
    """All four roles open Definitions and see each metric's name and definition, in English and Chinese."""
    at = definitions_page(USER_OF_ROLE[role], lang=lang)
    assert i18n.t(lang, "page.definitions") in titles(at)
    assert listed_metrics(at, lang) == set(METRICS)
    text = "\n".join(m.value for m in at.markdown)
    assert all(i18n.t(lang, f"metric.{m}.def") in text for m in METRICS)


@pytest.mark.usefixtures("demo_app_env")
def test_the_search_keeps_only_matching_metrics_and_says_when_none_match():
    """Searching "on-time" shows the on-time rate; a word found nowhere shows an empty state."""
    at = definitions_page("exec", search="on-time")
    assert listed_metrics(at, "en") == {"on_time_rate"}
    at = definitions_page("exec", search="zzzz-nothing")
    assert not listed_metrics(at, "en") and at.info


@pytest.mark.usefixtures("demo_app_env")
def test_the_settings_shown_are_those_of_the_demo_data(demo_tables):
    """The threshold card and the settings tables show the demo settings in force today."""
    at = definitions_page("admin")
    thresholds = demo_tables["high_value_thresholds"].sort_values("effective_from")
    in_force = thresholds[thresholds["effective_from"] <= dt.date.today()].iloc[-1]
    assert at.metric[0].value == f"¥{in_force['amount']:,.0f}"
    tables = [d.value for d in at.dataframe]
    assert len(tables) == 4
    cadences = demo_tables["revisit_cadences"]
    assert sorted(tables[1]["days"]) == sorted(
        cadences.sort_values("effective_from").groupby("service_grade")["days"].last()
    )


def test_settings_in_force_are_read_from_the_dated_settings_rows(engine):
    """On 2026-10-31 the latest row on or before the day wins for each key; a future row is not in force."""
    fixture_regions.build(engine)
    with engine.connect() as conn:
        now = definitions.settings_in_force(conn, NATIONAL, day=D(2026, 10, 31))
        then = definitions.settings_in_force(conn, NATIONAL, day=D(2024, 6, 1))
        before = definitions.settings_in_force(conn, NATIONAL, day=D(2020, 1, 1))
    assert now["threshold"]["amount"] == 4000 and str(now["threshold"]["effective_from"]) == "2026-02-01"
    assert now["thresholds"]["amount"].tolist() == [4000, 3500, 2500]
    assert now["cadences"][["service_grade", "days"]].values.tolist() == [
        ["premium", 30],
        ["key", 90],
        ["standard", 180],
    ]
    assert now["stage_targets"][["service_grade", "stage", "target_hours"]].values.tolist() == [
        ["premium", "received", 4],
        ["key", "received", 8],
        ["key", "provisioning", 168],
    ]
    assert now["complaint_targets"][["severity", "response_hours", "resolution_hours"]].values.tolist() == [
        ["critical", 1, 24],
        ["low", 24, 168],
    ]
    assert then["threshold"]["amount"] == 2500
    assert then["cadences"].set_index("service_grade").at["premium", "days"] == 45
    assert then["stage_targets"].iloc[0]["target_hours"] == 6
    assert then["complaint_targets"].set_index("severity").at["critical", "response_hours"] == 2
    assert before["threshold"] is None and before["cadences"].empty and before["stage_targets"].empty
