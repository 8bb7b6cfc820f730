"""Import data (administrators; team leads within their region): regions (administrators only), accounts,
monthly spend and designations from CSV or Excel. Every row is checked before anything is stored; then all
rows are stored at once."""

import hashlib

import streamlit as st

import ui
from lib import cache, imports
from lib.commands.imports import commit_import

user = ui.current_user()
lang = ui.lang()
zh = lang == "zh"
NOTICE, CHECKED, UPLOADS = "import_notice", "import_checked", "import_uploads"
# The cached reads each kind's commit makes stale (regions: the org tree behind every region filter).
TABLES = {"regions": ("org_units",)}
DATA_TABLES = ("accounts", "monthly_spend", "designations")
PREVIEW_ROWS = 20

st.title(ui.tr("imports.title"))
st.caption(ui.tr("imports.caption"))
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice, icon=":material/check_circle:")

kind = ui.url_choice(
    st.segmented_control,
    ui.tr("imports.kind"),
    list(imports.kinds_for(user.role)),
    key="kind",
    format_func=lambda k: ui.tr(f"imports.kind.{k}"),
    required=True,
)
st.caption(ui.tr(f"imports.help.{kind}"))


def example_region() -> dict[str, str]:
    """The template's example account lies in the user's own region (codes in English, names in Chinese)."""
    units = ui.org_units()
    cities = units[units["level"] == "city"]
    if user.scope.level == "province":
        cities = cities[cities["province_id"] == user.scope.province_id]
    elif user.scope.level == "city":
        cities = cities[cities["id"] == user.scope.city_id]
    if kind != "accounts" or cities.empty:
        return {}
    city = cities.iloc[0]
    province = units[units["id"] == city["province_id"]].iloc[0]
    field = "name_zh" if zh else "code"
    return {"province": province[field], "city": city[field]}


st.download_button(
    ui.tr("imports.template"),
    data=imports.template_csv(kind, lang, example_region()),
    file_name=f"{kind}_template.csv",
    mime="text/csv",
    key=f"template_{kind}",
    icon=":material/download:",
)

# A new key after a commit gives an empty uploader, so the same file is not offered again by accident.
upload = st.file_uploader(
    ui.tr("imports.upload"),
    type=["csv", "xlsx"],
    key=f"import_file_{kind}_{st.session_state.setdefault(UPLOADS, 0)}",
    max_upload_size=imports.MAX_BYTES // (1024 * 1024),
)
if upload is None:
    st.info(ui.tr("imports.waiting"), icon=":material/info:")
    st.stop()

data = upload.getvalue()
try:
    source = imports.read_file(kind, upload.name, data)
except imports.FileRejected as error:
    st.error(ui.tr(error.code, **error.values), icon=":material/error:")
    st.stop()

# The dry run is kept for this file and kind; the commit checks every row again in its own transaction.
fingerprint = (kind, hashlib.sha256(data).hexdigest())
result = None
if not source.problems:
    kept = st.session_state.get(CHECKED)
    if kept and kept[0] == fingerprint:
        result = kept[1]
    else:
        with cache.engine().connect() as conn:
            result = imports.check(conn, user=user, kind=kind, rows=source.rows)
        st.session_state[CHECKED] = (fingerprint, result)
problems = list(source.problems) or result.problems
counts = result.counts() if result else {"rows": len(source.rows), "rejected": len({p.line for p in problems})}

with st.container(horizontal=True):
    for name in ("rows", "new", "changed", "unchanged", "rejected"):
        st.metric(ui.tr(f"imports.metric.{name}"), f"{counts.get(name, 0):,}", border=True)

st.subheader(ui.tr("imports.preview", n=min(PREVIEW_ROWS, len(source.rows))))
st.dataframe(
    imports.preview_frame(source, result, lang, PREVIEW_ROWS),
    hide_index=True,
    width="stretch",
    column_config={"line": ui.tr("imports.col.line"), "status": ui.tr("imports.col.status")},
)

if problems:
    st.error(ui.tr("imports.rejected", n=f"{counts['rejected']:,}"), icon=":material/block:")
    table = imports.problems_frame(kind, problems, lang)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={name: ui.tr(f"imports.col.{name}") for name in ("line", "column", "reason")},
    )
    ui.download_csv(table, f"{kind}_rejected_rows.csv", key="download_rejected")
elif not result.writes:
    st.info(ui.tr("imports.nothing_to_change", n=f"{counts['rows']:,}"), icon=":material/info:")
else:
    st.info(
        ui.tr("imports.ready", new=f"{counts['new']:,}", changed=f"{counts['changed']:,}"), icon=":material/task_alt:"
    )

ready = not problems and result is not None and result.writes > 0
if st.button(ui.tr("imports.commit"), type="primary", icon=":material/upload:", disabled=not ready, key="commit"):
    bar = st.progress(0.0, text=ui.tr("imports.progress", done=0, total=result.writes))

    def progress(done: int, total: int) -> None:
        bar.progress(done / total, text=ui.tr("imports.progress", done=done, total=total))

    outcome, _ = ui.submit(
        commit_import,
        tables=TABLES.get(kind, DATA_TABLES),
        kind=kind,
        rows=source.rows,
        file_name=upload.name,
        progress=progress,
    )
    st.session_state.pop(CHECKED, None)  # whatever happened, the next run checks the file afresh
    if outcome is not None:
        st.session_state[NOTICE] = ui.tr(
            "imports.done",
            file=ui.plain(upload.name),
            inserted=f"{outcome.inserted:,}",
            updated=f"{outcome.updated:,}",
            unchanged=f"{outcome.unchanged:,}",
        )
        st.session_state[UPLOADS] += 1
        st.rerun()
