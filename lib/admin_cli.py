"""Administration from the shell: `python -m lib.admin_cli create-admin --username NAME --name "Full Name"`
and `python -m lib.admin_cli load-regions`.

create-admin: the password is typed at a prompt (twice), never passed on the command line. On an
empty database this also creates the national organisation node and the default settings, so a
production deployment on PostgreSQL can start without demo data.

load-regions: adds the built-in organisation tree of lib/regions.py (the 31 provinces and their
listed cities) that is not stored yet, so that accounts can be imported; running it again adds nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib import domain
from lib.bootstrap import migrate
from lib.commands import ValidationError, audit, utcnow
from lib.commands.imports import add_regions
from lib.commands.users import create_user, password_problem
from lib.config import load_settings
from lib.db import make_engine, write_session
from lib.i18n import t
from lib.models import ComplaintTarget, HighValueThreshold, OrgUnit, RevisitCadence, StageTarget
from lib.regions import PROVINCES

SETTINGS_FROM = dt.date(2000, 1, 1)


def ensure_national_node_and_defaults(session: Session) -> int:
    """The national org node's id, creating it and the default settings on an empty database."""
    national = session.scalar(select(OrgUnit.id).where(OrgUnit.level == "national"))
    if national is None:
        node = OrgUnit(
            code="CN", level="national", parent_id=None, province_id=None, name_en="National", name_zh="全国"
        )
        session.add(node)
        session.flush()
        national = node.id
    now = utcnow()
    if session.scalar(select(HighValueThreshold.id).limit(1)) is None:
        session.add(
            HighValueThreshold(effective_from=SETTINGS_FROM, amount=domain.DEFAULT_HIGH_VALUE_THRESHOLD, set_at=now)
        )
    if session.scalar(select(RevisitCadence.id).limit(1)) is None:
        session.add_all(
            RevisitCadence(service_grade=g, days=d, effective_from=SETTINGS_FROM, set_at=now)
            for g, d in domain.DEFAULT_REVISIT_CADENCE_DAYS.items()
        )
    if session.scalar(select(StageTarget.id).limit(1)) is None:
        session.add_all(
            StageTarget(service_grade=g, stage=s, target_hours=h, effective_from=SETTINGS_FROM, set_at=now)
            for g, stages in domain.DEFAULT_STAGE_TARGET_HOURS.items()
            for s, h in stages.items()
        )
    if session.scalar(select(ComplaintTarget.id).limit(1)) is None:
        session.add_all(
            ComplaintTarget(severity=s, response_hours=r, resolution_hours=h, effective_from=SETTINGS_FROM, set_at=now)
            for s, (r, h) in domain.DEFAULT_COMPLAINT_TARGET_HOURS.items()
        )
    return national


def create_admin(
    engine: Engine, *, username: str, name: str, password: str, email: str = "", bcrypt_rounds: int = 12
) -> int:
    """Migrate, make sure the national node exists, and create an administrator bound to it."""
    migrate(engine)
    with write_session(engine) as session:
        national = ensure_national_node_and_defaults(session)
        return create_user(
            session=session,
            actor=None,
            username=username,
            name=name,
            role="admin",
            org_unit_id=national,
            password=password,
            email=email,
            bcrypt_rounds=bcrypt_rounds,
        )


@dataclass(frozen=True)
class AddedRegion:
    code: str
    name_en: str
    name_zh: str
    province_added: bool  # False when the province was stored already and only cities were added
    cities: tuple[str, ...]  # codes of the cities added


def load_regions(engine: Engine) -> list[AddedRegion]:
    """Migrate, make sure the national node and the default settings exist, and add every province and city
    of lib/regions.py whose code is not stored yet (in any letter case). Stored units are left as they are;
    the cities of a code stored as something other than a province are skipped. Returns what was added."""
    migrate(engine)
    with write_session(engine) as session:
        national = ensure_national_node_and_defaults(session)
        stored = {
            code.lower(): (unit_id, level)
            for unit_id, code, level in session.execute(select(OrgUnit.id, OrgUnit.code, OrgUnit.level))
        }
        units: list[dict] = []
        added: list[AddedRegion] = []
        for province in PROVINCES:
            known = stored.get(province.code.lower())
            if known is not None and known[1] != "province":
                continue
            if known is None:
                units.append(_unit(province, "province", parent_id=national))
            cities = [city for city in province.cities if city.code.lower() not in stored]
            parent_id = known[0] if known is not None else None
            units += [_unit(city, "city", parent_id=parent_id, parent_code=province.code) for city in cities]
            if known is None or cities:
                added.append(
                    AddedRegion(
                        province.code, province.name_en, province.name_zh, known is None, tuple(c.code for c in cities)
                    )
                )
        if units:
            add_regions(session, units)
            provinces = sum(a.province_added for a in added)
            audit(
                session,
                None,
                "load_regions",
                "org_units",
                "lib.regions",
                provinces=provinces,
                cities=len(units) - provinces,
            )
    return added


def _unit(region, level: str, *, parent_id: Optional[int], parent_code: Optional[str] = None) -> dict:
    return {
        "code": region.code,
        "level": level,
        "parent_id": parent_id,
        "parent_code": parent_code,
        "name_en": region.name_en,
        "name_zh": region.name_zh,
    }


def print_regions(added: list[AddedRegion]) -> None:
    provinces = sum(a.province_added for a in added)
    cities = sum(len(a.cities) for a in added)
    if not added:
        print(f"Nothing to add: the {len(PROVINCES)} provinces and their cities are stored already.")
        return
    print(f"Added {provinces} provinces and {cities} cities:")
    for region in added:
        what = "province" if region.province_added else "cities only"
        print(f"  {region.code} {region.name_en} ({region.name_zh}), {what}: {', '.join(region.cities) or 'no cities'}")


def ask_password(prompt: Callable[[str], str] = getpass.getpass) -> Optional[str]:
    password = prompt("Password (at least 10 characters): ")
    if problem := password_problem(password):
        print(t("en", problem), file=sys.stderr)
        return None
    if prompt("Repeat the password: ") != password:
        print("The two passwords differ.", file=sys.stderr)
        return None
    return password


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    admin = commands.add_parser("create-admin", help="create an administrator (asks for the password)")
    admin.add_argument("--username", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", default="")
    commands.add_parser("load-regions", help="add the built-in provinces and cities that are not stored yet")
    args = parser.parse_args(argv)
    settings = load_settings()
    if args.command == "load-regions":
        engine = make_engine(settings.database_url)
        try:
            print_regions(load_regions(engine))
        finally:
            engine.dispose()
        return 0
    password = ask_password()
    if password is None:
        return 1
    engine = make_engine(settings.database_url)
    try:
        user_id = create_admin(
            engine,
            username=args.username,
            name=args.name,
            password=password,
            email=args.email,
            bcrypt_rounds=settings.bcrypt_rounds,
        )
    except ValidationError as error:
        for field, code in error.errors.items():
            print(f"{field}: {t('en', code)}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Administrator {args.username!r} created (id {user_id}).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
