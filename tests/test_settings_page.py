"""The settings page and My account through AppTest, on a private copy of the demo database."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from lib.models import HighValueThreshold, RevisitCadence
from lib.sample_data import DEMO_PASSWORD
from tests.test_app import signed_in
from tests.test_users_page import sign_in

pytestmark = pytest.mark.usefixtures("demo_app_env")
OCTOBER = dt.date(2026, 10, 1)  # the latest month of the demo data


@pytest.fixture(scope="module")
def db(writable_demo_db):
    return writable_demo_db


def tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def click(element, label: str):
    return next(b for b in element.button if b.label == label).click()


def trailing_cents(tables: dict[str, pd.DataFrame]) -> pd.Series:
    """Per account, the spend of August to October 2026 in cents (pandas over the shipped files)."""
    spend = tables["monthly_spend"].assign(month=lambda f: pd.to_datetime(f["month"]).dt.date)
    window = spend[(spend["month"] >= dt.date(2026, 8, 1)) & (spend["month"] <= OCTOBER)]
    return (window["amount"] * 100).round().astype("int64").groupby(window["account_id"]).sum()


def test_an_admin_raises_the_threshold_and_membership_and_the_tiers_page_follow(db, demo_tables):
    """At ¥5,000 from October, accounts averaging ¥3,000–5,000 over August–October leave high-value;
    the page says how many, the history names the admin, and the Tiers page counts the rest."""
    cents = trailing_cents(demo_tables)
    leaving = int(((cents >= 3 * 300_000) & (cents < 3 * 500_000)).sum())
    staying = int((cents >= 3 * 500_000).sum())
    assert leaving > 0 and staying > 0
    at = signed_in("admin", "settings")
    threshold = tab(at, "High-value threshold")
    assert threshold.metric[0].value == "¥3,000"
    threshold.number_input[0].set_value(5000.0)
    threshold.date_input[0].set_value(OCTOBER)
    click(threshold, "Save").run()
    assert not at.exception, at.exception
    message = f"The threshold is saved. High-value membership changed for {leaving} accounts."
    assert message in [s.value for s in at.success]
    history = tab(at, "High-value threshold").dataframe[0].value
    assert (history.iloc[0]["Average monthly spend, yuan"], history.iloc[0]["Set by"]) == (5000.0, "System Admin")

    tiers = signed_in("exec", "tiers")
    assert not tiers.exception, tiers.exception
    assert next(m.value for m in tiers.metric if m.label == "High-value") == f"{staying:,}"
    assert any("2026-10-01 → ¥5,000" in c.value for c in tiers.caption)


def test_a_threshold_not_on_the_first_of_a_month_is_refused_under_its_field(db):
    at = signed_in("admin", "settings")
    threshold = tab(at, "High-value threshold")
    threshold.number_input[0].set_value(4200.0)
    threshold.date_input[0].set_value(dt.date(2026, 10, 15))
    click(threshold, "Save").run()
    threshold = tab(at, "High-value threshold")
    assert ":red[The threshold takes effect from the first day of a month.]" in [m.value for m in threshold.markdown]
    assert threshold.number_input[0].value == 4200.0  # what was typed stays
    with db.connect() as conn:
        assert conn.scalar(select(func.count()).where(HighValueThreshold.amount == 4200)) == 0


def test_a_cadence_change_is_saved_from_today_and_listed_with_who(db):
    at = signed_in("admin", "settings")
    cadence = tab(at, "Revisit cadence")
    premium = next(n for n in cadence.number_input if n.label == "Premium")
    assert premium.value == 30
    premium.set_value(21)
    click(cadence, "Save").run()
    assert "Saved: 1 values changed." in [s.value for s in at.success]
    with db.connect() as conn:
        stored = conn.execute(
            select(RevisitCadence.days, RevisitCadence.effective_from).order_by(RevisitCadence.id.desc()).limit(1)
        ).one()
    assert tuple(stored) == (21, dt.date.today())
    history = tab(at, "Revisit cadence").dataframe[0].value
    assert history.iloc[0]["Days between revisits"] == 21 and history.iloc[0]["Set by"] == "System Admin"


def test_saving_a_target_in_the_past_is_refused(db):
    at = signed_in("admin", "settings")
    stages = tab(at, "Stage targets")
    stages.number_input[0].set_value(3.0)
    stages.date_input[0].set_value(dt.date.today() - dt.timedelta(days=1))
    click(stages, "Save").run()
    expected = ":red[Today or later: targets already measured are not changed afterwards.]"
    assert expected in [m.value for m in tab(at, "Stage targets").markdown]


def test_the_settings_page_speaks_chinese():
    at = signed_in("admin", "settings", lang="zh")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["高值客户门槛", "回访周期", "环节时限", "投诉时限"]


def test_an_account_manager_changes_their_own_password_on_my_account(db):
    """The form checks the current password, then the login form accepts only the new one."""
    at = signed_in("am.sz", "my_account")
    assert [m.value for m in at.metric][:2] == ["am.sz", "Account manager"]
    fields = {t.label: t for t in at.text_input}
    fields["Current password"].input("not my password")
    fields["New password"].input("a fresh secret 2026")
    fields["New password again"].input("a fresh secret 2026")
    click(at, "Change my password").run()
    assert ":red[The current password is not correct.]" in [m.value for m in at.markdown]
    fields = {t.label: t for t in at.text_input}
    fields["Current password"].input(DEMO_PASSWORD)
    click(at, "Change my password").run()
    assert "Your password is changed." in [s.value for s in at.success]
    assert "Username or password is incorrect." in [e.value for e in sign_in("am.sz", DEMO_PASSWORD).error]
    assert not sign_in("am.sz", "a fresh secret 2026").error


def test_my_account_speaks_chinese():
    at = signed_in("exec", "my_account", lang="zh")
    assert not at.exception, at.exception
    assert "我的账号" in [t.value for t in at.title]
