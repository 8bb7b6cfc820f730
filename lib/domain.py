"""Domain vocabulary: the codes stored in the database, in their canonical order.

Labels shown to users live in the message catalogue (lib/i18n.py), keyed by these codes.
"""

from __future__ import annotations

ROLES = ("executive", "team_lead", "staff", "admin")

ORG_LEVELS = ("national", "province", "city")

# Key-account categories and the bit each one sets in an account's category mask.
CATEGORIES = ("important", "high_value", "group", "strategic")
CATEGORY_BITS = {name: 1 << i for i, name in enumerate(CATEGORIES)}
DESIGNATED_CATEGORIES = ("important", "group", "strategic")  # high_value is derived from spend
PREMIUM_MIN_CATEGORIES = 2

# Service grades (star levels): premium accounts are served fastest.
GRADES = ("premium", "key", "standard")

LIFECYCLE_STAGES = ("potential", "new", "growing", "mature", "at_risk", "churned")

INDUSTRIES = (
    "government",
    "finance",
    "manufacturing",
    "education",
    "healthcare",
    "energy",
    "transport",
    "retail",
    "internet",
    "media",
)

# Order stages in flow order; an order enters "closed" (archived) when it is done.
STAGES = ("received", "needs_confirmed", "resource_check", "provisioning", "acceptance")
CLOSED_STAGE = "closed"
ORDER_EVENT_KINDS = ("enter", "transfer", "hold", "resume", "urge")
ORDER_STATUSES = ("open", "on_hold", "closed")

COMPLAINT_CHANNELS = ("account_manager", "hotline_10000", "key_account_hotline", "web_app", "letter_email", "regulator")
COMPLAINT_CATEGORIES = ("network_quality", "fault_repair", "provisioning_delay", "billing", "service_attitude", "other")
COMPLAINT_SEVERITIES = ("low", "medium", "high", "critical")
COMPLAINT_STATUSES = ("open", "in_progress", "resolved", "closed", "reopened")
OPEN_COMPLAINT_STATUSES = ("open", "in_progress", "reopened")

REVISIT_CHANNELS = ("on_site", "phone", "video", "email")
REVISIT_OUTCOMES = ("no_change", "interested", "order_placed", "complaint_raised", "churn_risk")

SURVEY_DIMENSIONS = ("network", "service", "billing", "account_manager", "after_sales")
SURVEY_SOURCES = ("annual", "after_order", "after_complaint", "revisit")

DEFAULT_HIGH_VALUE_THRESHOLD = 3000  # yuan per month, trailing three-month average
POTENTIAL_SHARE_OF_THRESHOLD = 0.7


def category_mask(categories: list[str] | tuple[str, ...] | set[str]) -> int:
    """The bit mask of a set of category codes."""
    return sum(CATEGORY_BITS[c] for c in set(categories))


def categories_of(mask: int) -> tuple[str, ...]:
    """The category codes set in a mask, in canonical order."""
    return tuple(c for c in CATEGORIES if mask & CATEGORY_BITS[c])


def is_premium(mask: int) -> bool:
    """Premium: in two or more categories."""
    return len(categories_of(mask)) >= PREMIUM_MIN_CATEGORIES


# Default settings, written as the first rows of their dated settings tables.
DEFAULT_REVISIT_CADENCE_DAYS = {"premium": 30, "key": 90, "standard": 180}
DEFAULT_STAGE_TARGET_HOURS = {  # per service grade, per stage; premium is fastest
    "premium": {"received": 4, "needs_confirmed": 24, "resource_check": 48, "provisioning": 120, "acceptance": 24},
    "key": {"received": 8, "needs_confirmed": 48, "resource_check": 72, "provisioning": 168, "acceptance": 48},
    "standard": {"received": 24, "needs_confirmed": 72, "resource_check": 120, "provisioning": 240, "acceptance": 72},
}
DEFAULT_COMPLAINT_TARGET_HOURS = {  # severity: (first response, resolution)
    "critical": (1, 24),
    "high": (4, 48),
    "medium": (8, 96),
    "low": (24, 168),
}

LOW_SCORE = 60  # a score below this puts the account on the follow-up list
CSAT_CUT = 80
FOLLOW_UP_DAYS = 7
