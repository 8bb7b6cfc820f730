"""Key accounts: the current key accounts of the user's scope, filtered by category or name."""

import streamlit as st

import ui
from lib import cache
from lib.domain import categories_of, is_premium
from lib.queries import accounts

MAX_ROWS = 1_000

user = ui.current_user()
as_of = ui.data_as_of()

st.title(ui.tr("accounts.title"))
st.caption(f"{ui.tr('accounts.caption')} · {ui.tr('overview.scope', scope=ui.scope_name(user.scope))}")

scope = ui.region_filter(user.scope)
with st.container(horizontal=True, vertical_alignment="bottom"):
    categories = ui.category_filter()
    premium_only = st.toggle(ui.tr("accounts.only_premium"), key="premium", bind="query-params")
    search = st.text_input(ui.tr("filter.search"), key="q", bind="query-params", max_chars=80)

rows, total = cache.read(
    accounts.key_account_page,
    scope,
    as_of=as_of,
    categories=categories,
    premium_only=premium_only,
    search=search,
    limit=MAX_ROWS,
)
if rows.empty:
    st.info(ui.tr("accounts.empty"), icon=":material/info:")
    st.stop()

zh = ui.lang() == "zh"
table = rows.assign(
    province=rows["province_zh" if zh else "province_en"],
    city=rows["city_zh" if zh else "city_en"],
    categories=rows["category_mask"].map(lambda m: ", ".join(ui.label("category", c) for c in categories_of(m))),
    premium=rows["category_mask"].map(is_premium),
    industry=rows["industry"].map(lambda c: ui.label("industry", c)),
    service_grade=rows["service_grade"].map(lambda c: ui.label("grade", c)),
    lifecycle_stage=rows["lifecycle_stage"].map(lambda c: ui.label("lifecycle", c)),
)[
    [
        "code",
        "name",
        "categories",
        "premium",
        "service_grade",
        "industry",
        "province",
        "city",
        "manager",
        "lifecycle_stage",
        "avg_spend_3m",
    ]
]

st.caption(ui.tr("accounts.count", n=total))
if total > len(rows):
    st.caption(ui.tr("accounts.truncated", shown=len(rows), n=total))
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "code": ui.tr("col.code"),
        "name": ui.tr("col.name"),
        "categories": ui.tr("col.categories"),
        "premium": st.column_config.CheckboxColumn(ui.tr("col.premium")),
        "service_grade": ui.tr("col.grade"),
        "industry": ui.tr("col.industry"),
        "province": ui.tr("col.province"),
        "city": ui.tr("col.city"),
        "manager": ui.tr("col.manager"),
        "lifecycle_stage": ui.tr("col.stage"),
        "avg_spend_3m": st.column_config.NumberColumn(ui.tr("col.avg_spend"), format="¥%,.0f"),
    },
)
ui.download_csv(table, "key_accounts.csv", key="download_accounts")
