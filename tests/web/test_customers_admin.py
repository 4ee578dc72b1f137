"""Admin customers page: the list, its CSV, and importing a CSV with every row's problem named."""

import csv
import io

import sqlalchemy as sa

from voice.store.demo import seed_customers
from voice.store.models import Customer


def upload(client, csrf_of, text: str, name: str = "customers.csv"):
    token = csrf_of(client.get("/admin/customers").text)
    data = {"csrf_token": token, "file": (io.BytesIO(text.encode()), name)}
    return client.post("/admin/customers/import", data=data, content_type="multipart/form-data")


def stored(db) -> list[tuple]:
    with db.session() as s:
        return [
            tuple(r) for r in s.execute(sa.select(Customer.phone, Customer.name, Customer.email))
        ]


def test_a_good_file_is_imported_and_counted(admin_client, csrf_of, db):
    text = "phone,name,email\n+1 (512) 555-0100,Ana Ruiz,ana@example.com\n+15125550101,Bo Diaz,\n"
    response = upload(admin_client, csrf_of, text)
    assert response.status_code == 302
    page = admin_client.get("/admin/customers").text
    assert "Imported 2 rows: 2 customers added, 0 updated." in page
    assert "Ana Ruiz" in page and "2 customers." in page
    assert sorted(stored(db)) == [
        ("+15125550100", "Ana Ruiz", "ana@example.com"), ("+15125550101", "Bo Diaz", None)
    ]  # fmt: skip


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row(admin_client, csrf_of, db):
    text = "phone,name,email\n+15125550100,Ana Ruiz,\n5550101,Bo Diaz,not-an-email\n"
    response = upload(admin_client, csrf_of, text)
    assert response.status_code == 400
    assert "Nothing was imported: 2 problems in the file" in response.text
    rows = response.text.split('<table class="row-errors">')[1].split("</table>")[0]
    assert rows.count("<tr><td") == 2
    assert "&#39;5550101&#39; is not E.164" in rows and "not an email address" in rows
    assert '<td class="num">3</td>' in rows
    assert stored(db) == []


def test_an_upload_without_a_file_or_token_is_refused(admin_client, csrf_of, db):
    token = csrf_of(admin_client.get("/admin/customers").text)
    empty = admin_client.post("/admin/customers/import", data={"csrf_token": token})
    assert empty.status_code == 400 and "Choose a CSV file to import." in empty.text
    data = {"file": (io.BytesIO(b"phone,name\n+15125550100,Ana\n"), "c.csv")}
    forged = admin_client.post("/admin/customers/import", data=data)
    assert forged.status_code == 400
    assert stored(db) == []


def test_a_file_that_is_not_utf8_is_explained(admin_client, csrf_of):
    token = csrf_of(admin_client.get("/admin/customers").text)
    latin = io.BytesIO("phone,name\n+15125550100,Jos\xe9\n".encode("latin-1"))
    response = admin_client.post(
        "/admin/customers/import",
        data={"csrf_token": token, "file": (latin, "c.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "not UTF-8 text" in response.text


def test_the_list_searches_and_downloads_as_csv_in_the_import_format(admin_client, db):
    seed_customers(db)
    assert "Maria Lopez" in admin_client.get("/admin/customers?q=maria").text
    assert "James Carter" not in admin_client.get("/admin/customers?q=maria").text
    response = admin_client.get("/admin/customers?format=csv")
    assert response.headers["Content-Disposition"] == 'attachment; filename="customers.csv"'
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["phone", "name", "email"]
    assert ["'+15555550100", "Maria Lopez", ""] in rows
    only = list(
        csv.reader(io.StringIO(admin_client.get("/admin/customers?q=maria&format=csv").text))
    )
    assert [r[1] for r in only[1:]] == ["Maria Lopez"]


def test_an_exported_csv_imports_back_unchanged(admin_client, csrf_of, db):
    with db.session() as s:
        s.add_all([
            Customer(phone="+15125550100", name="Ana Ruiz", email="ana@example.com"),
            Customer(phone="+15125550101", name="=cmd|' /C calc'!A0", email=None),
            Customer(phone="+15125550102", name="'-quoted", email="q@example.com"),
            Customer(phone="+15125550103", name="Zoë, \"Z\" Ng", email=None),
        ])  # fmt: skip
    exported = admin_client.get("/admin/customers?format=csv").text
    with db.session() as s:
        s.execute(sa.delete(Customer))
    assert upload(admin_client, csrf_of, exported).status_code == 302
    assert admin_client.get("/admin/customers?format=csv").text == exported
    assert ("+15125550101", "=cmd|' /C calc'!A0", None) in stored(db)
    assert ("+15125550102", "'-quoted", "q@example.com") in stored(db)
