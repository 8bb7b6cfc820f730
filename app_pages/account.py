"""Account 360: one account's categories and their history, spend, orders, complaints, revisits, surveys and plan."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.access import can_open
from lib.charts import account as charts
from lib.domain import STAGES, SURVEY_DIMENSIONS, categories_of
from lib.periods import add_months
from lib.queries import account

LIMIT = 100
COLUMN_KINDS = {
    "text": lambda title: title,
    "time": lambda title: st.column_config.DatetimeColumn(title, format="YYYY-MM-DD HH:mm"),
    "date": lambda title: st.column_config.DateColumn(title),
    "month": lambda title: st.column_config.DateColumn(title, format="YYYY-MM"),
    "int": lambda title: st.column_config.NumberColumn(title, format="%d"),
    "score": lambda title: st.column_config.NumberColumn(title, format="%.0f"),
    "hours": lambda title: st.column_config.NumberColumn(title, format="%.1f"),
    "money": lambda title: st.column_config.NumberColumn(title, format="¥%,.0f"),
    "check": lambda title: st.column_config.CheckboxColumn(title),
}

# Table columns (see table()): column[=kind[:message key]]
ORDER_COLUMNS = (
    "code=text:account.col.order product service_grade=text:col.grade received_at=time closed_at=time "
    "current_stage status late_stages=int holds=int urges=int transfers=int"
)
TIMELINE_COLUMNS = (
    "kind_label stage start=time end=time hours=hours target_hours=hours hold_hours=hours "
    "status_label=text:account.col.status unit actor note"
)
COMPLAINT_COLUMNS = (
    "code=text:account.col.complaint received_at=time channel category severity green_channel=check "
    "status first_response_at=time resolved_at=time reopened_count=int followup_score=score description"
)
REVISIT_COLUMNS = (
    "visited_on=date channel score=score outcome needs products notes next_due=date manager=text:col.manager"
)
SURVEY_COLUMNS = " ".join(
    ["surveyed_on=date source score=score", *(f"{d}=score" for d in SURVEY_DIMENSIONS), "comment"]
)

user = ui.current_user()
as_of = ui.data_as_of()
now = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())  # the end of the data's last day
zh = ui.lang() == "zh"


def table(frame: pd.DataFrame, name: str, columns: str, *, limited: bool = False, titles: dict | None = None) -> None:
    """Exactly these rows, with a CSV download. `columns`: "column[=kind[:message key]] ..." (kinds of
    COLUMN_KINDS, text by default; titles from account.col.<column>, or from `titles`, already translated)."""
    if limited and len(frame) >= LIMIT:
        st.caption(ui.tr("account.limited", n=LIMIT))
    config = {}
    for item in columns.split():
        column, _, spec = item.partition("=")
        kind, _, key = (spec or "text").partition(":")
        config[column] = COLUMN_KINDS[kind]((titles or {}).get(column) or ui.tr(key or f"account.col.{column}"))
    shown = frame[list(config)]
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    ui.download_csv(shown, f"{code}_{name}.csv", key=f"download_{name}")


def labelled(frame: pd.DataFrame, **kinds: str) -> pd.DataFrame:
    """Domain codes replaced by their labels (column="label kind")."""
    return frame.assign(
        **{c: frame[c].map(lambda v, k=k: ui.label(k, v) if isinstance(v, str) else v) for c, k in kinds.items()}
    )


def empty(key: str) -> None:
    st.info(ui.tr(key), icon=":material/info:")


st.title(ui.tr("page.account"))
st.caption(ui.tr("account.caption", scope=ui.scope_name(user.scope)))

# The chosen account lives in the URL (?account=CODE) and nowhere else, so links from other pages open it; the
# picker is keyed by it, so it always shows the account of the URL.
url_code = st.query_params.get("account")
header = cache.read(account.account_header, user.scope, code=url_code) if url_code else None
with st.container(horizontal=True, vertical_alignment="bottom"):
    search = st.text_input(ui.tr("account.search"), key="account_q", max_chars=80)
    found = cache.read(account.find_accounts, user.scope, search=search, limit=50)
    names = dict(zip(found["code"], found["name"] + " · " + found["code"], strict=True))
    if header:  # the open account stays named while the search lists others
        names.setdefault(url_code, f"{header['name']} · {url_code}")
    options = ([url_code] if url_code and url_code not in names else []) + list(names)
    code = st.selectbox(
        ui.tr("account.pick"),
        options,
        index=options.index(url_code) if url_code else None,
        key=f"account_{url_code}",
        format_func=lambda c: names.get(c, c),
        placeholder=ui.tr("account.pick_placeholder"),
    )
if code:
    st.query_params["account"] = code
else:
    st.query_params.pop("account", None)
    st.info(
        ui.tr("account.no_match") if found.empty and search else ui.tr("account.pick_prompt"), icon=":material/search:"
    )
    st.stop()
if code != url_code:
    header = cache.read(account.account_header, user.scope, code=code)
if header is None:
    st.warning(ui.tr("account.not_found"), icon=":material/person_off:")
    st.stop()

st.subheader(ui.plain(header["name"]))
region = ui.tr(
    "account.region",
    province=header["province_zh" if zh else "province_en"],
    city=header["city_zh" if zh else "city_en"],
)
st.caption(
    f"{ui.plain(header['code'])} · {ui.label('industry', header['industry'])} · {region} · {ui.tr('col.manager')}: "
    f"{ui.plain(header['manager']) if header['manager'] else ui.tr('account.no_manager')} · "
    f"{ui.tr('account.since', date=header['created_on'].isoformat())}"
)
with st.container(horizontal=True):
    for category in categories_of(header["category_mask"]):
        st.badge(ui.label("category", category), color="blue")
    if header["premium"]:
        st.badge(ui.label("category", "premium"), icon=":material/star:", color="orange")
    if not header["category_mask"]:
        st.badge(ui.tr("account.not_key"), color="gray")
    st.badge(f"{ui.tr('col.grade')}: {ui.label('grade', header['service_grade'])}", color="violet")
    st.badge(
        f"{ui.tr('col.stage')}: {ui.label('lifecycle', header['lifecycle_stage'])}",
        color="red" if header["lifecycle_stage"] in ("at_risk", "churned") else "green",
    )
if header["parent_code"]:
    st.page_link(
        "app_pages/account.py",
        query_params={"account": header["parent_code"]},
        label=ui.tr("account.parent", name=ui.plain(header["parent_name"]), code=ui.plain(header["parent_code"])),
        icon=":material/account_tree:",
    )
elif header["in_outside_group"]:
    st.caption(ui.tr("account.outside_group"))
if header["members"]:
    with st.expander(ui.tr("account.members", n=header["members"])):
        for member in cache.read(account.account_members, user.scope, code=code).itertuples():
            st.page_link(
                "app_pages/account.py",
                query_params={"account": member.code},
                label=ui.plain(f"{member.name} · {member.code} · {member.city_zh if zh else member.city_en}"),
            )

tabs = st.tabs(
    [ui.tr(f"account.tab.{t}") for t in ("categories", "spend", "orders", "complaints", "revisits", "surveys", "plan")]
)
with tabs[0]:
    history = cache.read(account.account_designations, user.scope, code=code)
    if history.empty:
        empty("account.no_designations")
    else:
        history = labelled(history, category="category").assign(
            source=history["source"].map(lambda s: ui.tr(f"account.source.{s}")),
            valid_from=pd.to_datetime(history["valid_from"]),
            valid_to=pd.to_datetime(history["valid_to"]),
        )
        history["end"] = history["valid_to"].fillna(pd.Timestamp(now))
        history["to_text"] = history["valid_to"].dt.strftime("%Y-%m-%d").fillna(ui.tr("account.current"))
        st.caption(ui.tr("account.categories_caption", date=as_of.isoformat()))
        ui.altair_chart(
            charts.category_timeline(history, titles={c: ui.tr(f"account.col.{c}") for c in charts.CATEGORY_TITLES}),
            width="stretch",
        )
        table(
            history,
            "categories",
            "category valid_from=date to_text source set_by set_at=time reason",
        )
with tabs[1]:
    months = {"first_month": add_months(as_of, -23), "last_month": as_of.replace(day=1)}  # the last 24 months
    spend = cache.read(account.account_spend, user.scope, code=code, **months)
    if spend.empty or not spend["amount"].any():
        empty("account.no_spend")
    else:
        st.caption(ui.tr("account.spend_caption"))
        series = {s: ui.tr(f"account.series.{s}") for s in ("amount", "avg_3m", "threshold")}
        ui.altair_chart(
            charts.spend_chart(
                spend, labels=series, month_title=ui.tr("account.col.month"), amount_title=ui.tr("account.col.amount")
            ),
            width="stretch",
        )
        table(spend, "spend", "month=month amount=money avg_3m=money threshold=money")
with tabs[2]:
    orders = cache.read(account.account_orders, user.scope, code=code, limit=LIMIT)
    if orders.empty:
        empty("account.no_orders")
    else:
        table(
            labelled(orders, service_grade="grade", current_stage="stage", status="order_status"),
            "orders",
            ORDER_COLUMNS,
            limited=True,
        )
        received = dict(zip(orders["code"], pd.to_datetime(orders["received_at"]).dt.strftime("%Y-%m-%d"), strict=True))
        order = ui.url_choice(
            st.selectbox,
            ui.tr("account.order"),
            orders["code"].tolist(),
            key="order",
            format_func=lambda c: f"{c} · {received[c]}",
        )
        st.markdown(f"**{ui.tr('account.timeline_title', order=order)}**")
        timeline = cache.read(account.order_timeline, user.scope, code=code, order=order, now=now)
        if timeline.empty:
            empty("account.no_events")
        else:
            timeline = labelled(timeline.assign(kind_label=timeline["kind"]), stage="stage", kind_label="order_event")
            timeline["status_label"] = timeline["status"].map(lambda s: ui.tr(f"account.status.{s}") if s else "")
            timeline["unit"] = timeline["unit_zh" if zh else "unit_en"]
            st.caption(ui.tr("account.timeline_caption"))
            titles = {c: ui.tr(f"account.col.{c}") for c in charts.TIMELINE_TITLES}
            stages = [ui.label("stage", s) for s in STAGES]
            ui.altair_chart(charts.stage_timeline(timeline, stage_order=stages, titles=titles), width="stretch")
            table(
                timeline,
                "timeline",
                TIMELINE_COLUMNS,
            )
with tabs[3]:
    complaints = cache.read(account.account_complaints, user.scope, code=code, limit=LIMIT)
    if complaints.empty:
        empty("account.no_complaints")
    else:
        table(
            labelled(
                complaints,
                channel="complaint_channel",
                category="complaint_category",
                severity="severity",
                status="complaint_status",
            ),
            "complaints",
            COMPLAINT_COLUMNS,
            limited=True,
        )
        st.markdown(f"**{ui.tr('account.history_title')}**")
        history = cache.read(account.complaint_history, user.scope, code=code)
        if history.empty:
            empty("account.no_history")
        else:
            table(
                labelled(history, from_status="complaint_status", to_status="complaint_status"),
                "complaint_history",
                "complaint at=time from_status to_status actor note",
            )
with tabs[4]:
    revisits = cache.read(account.account_revisits, user.scope, code=code, limit=LIMIT)
    if revisits.empty:
        empty("account.no_revisits")
    else:
        table(
            labelled(revisits, channel="revisit_channel", outcome="outcome"),
            "revisits",
            REVISIT_COLUMNS,
            limited=True,
        )
with tabs[5]:
    surveys = cache.read(account.account_surveys, user.scope, code=code, limit=LIMIT)
    if surveys.empty:
        empty("account.no_surveys")
    else:
        table(
            labelled(surveys, source="survey_source"),
            "surveys",
            SURVEY_COLUMNS,
            limited=True,
            titles={d: ui.label("dimension", d) for d in SURVEY_DIMENSIONS},
        )
with tabs[6]:
    plan = cache.read(account.account_plan, user.scope, code=code)
    st.markdown(f"**{ui.tr('account.plan_title')}**")
    if can_open(role=user.role, page="plan"):
        st.page_link(
            "app_pages/plan.py",
            query_params={"account": code},
            label=ui.tr("plan.edit_link"),
            icon=":material/edit_note:",
        )
    if plan is None:
        empty("account.no_plan")
    else:
        updated_by = ui.plain(plan["updated_by"] or "–")
        st.caption(ui.tr("account.plan_updated", at=f"{plan['updated_at']:%Y-%m-%d}", by=updated_by))
        for parts in (("objectives", "needs"), ("products", "competitors")):
            for column, part in zip(st.columns(2), parts, strict=True):
                column.markdown(f"**{ui.tr(f'account.plan.{part}')}**")
                column.text(plan[part] or "–")  # user text, shown as text
        st.markdown(f"**{ui.tr('account.plan_actions')}**")
        actions = plan["actions"]
        if actions.empty:
            empty("account.no_actions")
        else:
            table(
                actions.assign(status=actions["status"].map(lambda s: ui.tr(f"account.action.{s}"))),
                "plan_actions",
                "action owner due_on=date status",
            )
