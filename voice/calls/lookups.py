"""Named data lookups that callflow answers can use; each reads the store by caller number."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

from voice.errors import LookupFailed
from voice.store.models import Customer, Order

LookupFn = Callable[[so.Session, str], dict | None]


def _latest_order(session: so.Session, caller: str) -> dict | None:
    order = session.scalars(
        sa.select(Order)
        .join(Customer, Customer.id == Order.customer_id)
        .where(Customer.phone == caller)
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(1)
    ).first()
    if order is None:
        return None
    return {
        "number": order.number,
        "status": order.status,
        "status_phrase": status_phrase(order.status, order.carrier, order.eta),
        "placed_on": _say_date(order.placed_at.date()),
        "carrier": order.carrier or "",
    }


def _customer(session: so.Session, caller: str) -> dict | None:
    customer = session.scalars(sa.select(Customer).where(Customer.phone == caller)).first()
    return {"name": customer.name} if customer else None


LOOKUPS: dict[str, LookupFn] = {
    "orders.latest_for_caller": _latest_order,
    "customers.by_caller": _customer,
}


def lookup(session: so.Session, name: str, caller: str) -> dict | None:
    """Run a named lookup; None when the caller has no such data."""
    if name not in LOOKUPS:
        raise KeyError(f"unknown lookup {name!r}; known: {', '.join(sorted(LOOKUPS))}")
    return LOOKUPS[name](session, caller) if caller else None


def run_lookup(name: str, caller: str) -> dict | None:
    """Run a lookup against the configured database (for `voice decide --caller`)."""
    from voice.settings import Settings
    from voice.store.db import Database

    db = Database.from_settings(Settings())
    try:
        with db.session() as session:
            return lookup(session, name, caller)
    except sa.exc.SQLAlchemyError as exc:
        raise LookupFailed(f"lookup {name} could not read the database: {exc}") from exc
    finally:
        db.dispose()


def status_phrase(status: str, carrier: str | None, eta: dt.date | None) -> str:
    """Say an order's status as the end of a sentence ("Your order 123 …")."""
    by = f" with {carrier}" if carrier else ""
    due = f", and should arrive by {_say_date(eta)}" if eta else ""
    return {
        "processing": "is being packed and should ship within two business days",
        "shipped": f"has shipped{by}{due}",
        "out_for_delivery": f"is out for delivery today{by}",
        "delivered": "has been delivered" + (f" on {_say_date(eta)}" if eta else ""),
        "cancelled": "was cancelled",
    }.get(status, f"is {status.replace('_', ' ')}")


def _say_date(day: dt.date) -> str:
    return day.strftime("%A, %B ") + str(day.day)
