"""The upload page with its preview, the first log-in's password change, the launch page."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from daiban.audit.models import AuditRecord
from daiban.people.models import Role, User
from daiban.places.models import County, Township, Village
from daiban.rollout import importer
from daiban.rollout.models import TownshipLaunch, Upload
from daiban.rollout.tests import books
from daiban.rollout.views import uploads_dir
from daiban.testing.world import verified_login


@pytest.fixture
def admin_client(world):
    return verified_login(Client(), world.admin)


def upload(client, name, data):
    file = io.BytesIO(data)
    file.name = name
    return client.post("/county/import/", {"workbook": file})


def test_upload_preview_then_apply_the_same_file(admin_client, world):
    response = upload(admin_client, "乐业县.xlsx", books.leye()[0][1])
    assert response.status_code == 302
    token = Upload.objects.get().token
    assert response["Location"] == f"/county/import/{token}/"
    assert (uploads_dir() / str(token) / "乐业县.xlsx").exists()  # kept on the server
    page = admin_client.get(response["Location"]).content.decode()
    assert "导入此工作簿" in page  # the button that applies it
    assert not County.objects.filter(code="451028000000").exists()  # the preview wrote nothing
    done = admin_client.post(f"/county/import/{token}/apply/")
    assert done.status_code == 302 and done["Location"].endswith("/done/")
    assert Village.objects.filter(code__startswith="451028").count() == 25
    assert not (uploads_dir() / str(token) / "乐业县.xlsx").exists()
    page = admin_client.get(done["Location"]).content.decode()
    assert "credentials" in page and "/county/451028000000/launch/" in page
    sheet = admin_client.post(f"/county/import/{token}/credentials.xlsx")
    assert sheet.status_code == 200 and sheet["Cache-Control"] == "no-store"
    assert AuditRecord.objects.filter(action="county.credentials", user_id=world.admin.pk).exists()
    rows = list(load_workbook(io.BytesIO(sheet.content))["账号"].iter_rows(values_only=True))
    assert len(rows) == 82
    # Given once; applying again does nothing.
    assert admin_client.post(f"/county/import/{token}/credentials.xlsx").status_code == 404
    admin_client.post(f"/county/import/{token}/apply/")
    assert User.objects.filter(village__code__startswith="451028").count() == 50


def test_a_bad_file_shows_every_mistake_and_no_apply_button(admin_client):
    sheets = books.leye_sheets()
    sheets["人员"][3][1] = "12345"
    sheets["区划"][2][0] = "4510281020"
    response = upload(admin_client, "bad.xlsx", books.xlsx(sheets))
    page = admin_client.get(response["Location"]).content.decode()
    assert page.count("<li>") >= 2 and "12345" in page and "4510281020" in page
    assert "/apply/" not in page


def test_only_administrators_and_only_their_own_upload(world, admin_client):
    director = Client()
    director.force_login(world.director)
    assert director.get("/county/import/").status_code == 404
    response = upload(admin_client, "乐业县.xlsx", books.leye()[0][1])
    other = User.objects.create_user("admin2", password="x", role=Role.ADMINISTRATOR)
    other.is_staff = True
    other.save()
    assert verified_login(Client(), other).get(response["Location"]).status_code == 404


def test_the_upload_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    verified_login(client, world.admin)
    file = io.BytesIO(b"x")
    file.name = "x.xlsx"
    assert client.post("/county/import/", {"workbook": file}).status_code == 403


def test_the_template_downloads(admin_client):
    response = admin_client.get("/county/import/template.xlsx")
    assert load_workbook(io.BytesIO(response.content)).sheetnames[-1] == "说明"


def test_a_one_time_password_must_be_changed_first(world):
    report = importer.import_county(books.leye())
    agent = User.objects.get(village__code="451028102201", role=Role.VILLAGE_AGENT)
    password = next(r[4] for r in report.credentials if r[3] == agent.username)
    assert agent.password.startswith("pbkdf2_sha256_onetime$")
    client = Client()
    response = client.post("/login/", {"username": agent.username, "password": password})
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/password/"
    assert client.get("/residents/").headers["Location"] == "/password/"
    page = client.get("/password/").content.decode()
    assert "一次性密码" in page or "one-time password" in page
    response = client.post(
        "/password/",
        {
            "old_password": password,
            "new_password1": "Leye-2026-mine",
            "new_password2": "Leye-2026-mine",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert not agent.must_change_password and agent.check_password("Leye-2026-mine")
    assert client.get("/").status_code == 200


def test_the_launch_page_shows_each_townships_readiness(world):
    importer.import_county(books.leye())
    county = County.objects.get(code="451028000000")
    supervisor = User.objects.get(role=Role.COUNTY_SUPERVISOR, county=county)
    supervisor.must_change_password = False  # as after the first log-in
    supervisor.save()
    client = verified_login(Client(), supervisor)
    TownshipLaunch.objects.create(
        township=Township.objects.get(name="新化镇"), launch_date="2027-01-04", live=True
    )
    User.objects.filter(village__code="451028201211", role=Role.VILLAGE_AGENT).update(
        is_active=False
    )
    page = client.get("/county/451028000000/launch/").content.decode()
    assert "新化镇" in page and "2027-01-04" in page and "黄龙村委会" in page
    # Another county's supervisor sees nothing of it.
    other = verified_login(Client(), world.supervisor)
    assert other.get("/county/451028000000/launch/").status_code == 404


def test_csv_files_through_the_page_and_odd_names_refused(admin_client):
    files = []
    for name, raw in books.csv_files(books.leye_sheets()):
        f = io.BytesIO(raw)
        f.name = name
        files.append(f)
    response = admin_client.post("/county/import/", {"workbook": files})
    page = admin_client.get(response["Location"]).content.decode()
    assert "/apply/" in page
    odd = io.BytesIO(b"x")
    odd.name = "../../x.sh"
    assert admin_client.post("/county/import/", {"workbook": odd}).status_code == 400
