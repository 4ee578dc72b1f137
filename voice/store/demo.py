"""Demo customers and orders for the shipped callflow; always flagged demo=True."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from voice.store.db import Database
from voice.store.models import Customer, Order

DEMO_CUSTOMERS = [
    # phone, name, [(order number, status, carrier, days ago placed, days until eta)]
    ("+15555550100", "Maria Lopez", [("A10432", "shipped", "UPS", 3, 2)]),
    ("+15555550101", "James Carter", [("A10417", "delivered", "FedEx", 9, -2)]),
    ("+15555550102", "Priya Natarajan", [("A10441", "processing", None, 1, None)]),
    (
        "+15555550103",
        "Tom Becker",
        [("A10380", "delivered", "USPS", 30, -25), ("A10445", "out_for_delivery", "USPS", 4, 0)],
    ),
    ("+15555550104", "Aiko Tanaka", []),  # a customer with no orders: the lookup finds nothing
]


def seed_customers(db: Database, today: dt.date | None = None) -> int:
    """Create the demo customers and orders if missing; return how many customers were added."""
    today = today or dt.date.today()
    added = 0
    with db.session() as s:
        for phone, name, orders in DEMO_CUSTOMERS:
            if s.scalar(sa.select(Customer.id).where(Customer.phone == phone)):
                continue
            customer = Customer(phone=phone, name=name, demo=True)
            s.add(customer)
            s.flush()
            added += 1
            for number, status, carrier, ago, eta in orders:
                placed = dt.datetime.combine(today - dt.timedelta(days=ago), dt.time(15), dt.UTC)
                due = today + dt.timedelta(days=eta) if eta is not None else None
                s.add(
                    Order(
                        customer_id=customer.id,
                        number=number,
                        status=status,
                        carrier=carrier,
                        eta=due,
                        placed_at=placed,
                    )
                )
    return added
