"""The message catalogue: both languages everywhere, and every key the code uses exists."""

import re
import string
from pathlib import Path

import pytest

from lib import access, domain, i18n

ROOT = Path(__file__).resolve().parent.parent


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.MESSAGES))
def test_every_message_exists_in_both_languages_with_the_same_placeholders(key):
    """No message is missing a language, and both fill in the same values."""
    entry = i18n.MESSAGES[key]
    assert entry.get("en", "").strip() and entry.get("zh", "").strip()
    assert placeholders(entry["en"]) == placeholders(entry["zh"])


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        ("role", domain.ROLES),
        ("category", domain.CATEGORIES),
        ("grade", domain.GRADES),
        ("lifecycle", domain.LIFECYCLE_STAGES),
        ("industry", domain.INDUSTRIES),
    ],
)
def test_every_domain_code_has_a_label_in_both_languages(kind, codes):
    """Codes shown to users are translated, never displayed raw."""
    for code in codes:
        assert set(i18n.LABELS[kind][code]) == {"en", "zh"}


def test_every_page_has_a_title():
    """Each page of the registry has a title in the catalogue."""
    assert all(f"page.{name}" in i18n.MESSAGES for name in access.PAGE_ROLES)


def test_every_key_used_in_the_code_is_in_the_catalogue():
    """A static check: tr("...") and t(lang, "...") calls only name keys the catalogue has."""
    pattern = re.compile(r"""\b(?:tr|t)\(\s*(?:[a-z_.()]+,\s*)?["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")
    files = [ROOT / "app.py", ROOT / "ui.py", *(ROOT / "app_pages").glob("*.py"), *(ROOT / "lib").rglob("*.py")]
    used = {key for path in files for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used, "the pattern found no keys at all"
    assert used - set(i18n.MESSAGES) == set()


def test_chinese_is_used_when_asked_and_values_are_filled_in():
    """t() picks the language and formats the values."""
    assert i18n.t("zh", "accounts.count", n=1234) == "共 1,234 个客户"
    assert i18n.t("en", "accounts.count", n=1234) == "1,234 accounts"
    assert i18n.label("zh", "category", "high_value") == "高值客户"
