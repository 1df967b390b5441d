"""Statistics over HTTP: the admin API (JSON and CSV), the dashboard page, a startup's numbers."""
import csv
import io

import pytest


def _range(world) -> dict:
    return {"start": world.start.isoformat(), "end": world.end.isoformat()}


def test_admin_gets_the_figures_as_json(world, token_client):
    response = token_client(world.admin).get("/api/admin/statistics", query_string=_range(world))
    assert response.status_code == 200
    body = response.get_json()
    assert body["range"]["start"] == world.start.isoformat() and body["range"]["timezone"]
    assert (body["mentoring"]["booked"], body["mentoring"]["delivered"], body["mentoring"]["cancelled"]) == (4, 1, 1)
    assert body["roadshows"]["totals"]["viewers"] == 3 and body["roadshows"]["rows"][0]["interest"] == 1
    assert body["requests"]["by_state"]["completed"] == 1
    assert body["vouchers"]["granted"] == "500.00"
    assert {s["method"]: s["amount"] for s in body["settlements"]}["cash"] == "25.00"


def test_default_range_is_90_days(world, token_client):
    body = token_client(world.admin).get("/api/admin/statistics").get_json()
    from datetime import date
    assert (date.fromisoformat(body["range"]["end"]) - date.fromisoformat(body["range"]["start"])).days == 89


@pytest.mark.parametrize(("query", "field"), [
    ({"start": "2026-05-02", "end": "2026-05-01"}, "end"),
    ({"start": "2026-13-01"}, "start"),
    ({"start": "2001-01-01", "end": "2026-01-01"}, "end"),
])
def test_bad_dates_are_422_with_the_field(world, token_client, query, field):
    response = token_client(world.admin).get("/api/admin/statistics", query_string=query)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["details"]


def test_non_admins_are_refused(world, token_client, client):
    assert token_client(world.founder).get("/api/admin/statistics").status_code == 403
    assert token_client(world.founder).get("/api/admin/statistics", query_string={"start": "bad"}).status_code in (
        403, 422)
    assert client.get("/api/admin/statistics").status_code == 401
    assert token_client(world.founder).get("/api/admin/statistics/sessions.csv").status_code == 403


def test_csv_has_a_bom_and_headers_in_the_users_language(world, token_client, db):
    world.admin.locale = "zh"
    db.session.commit()
    response = token_client(world.admin).get("/api/admin/statistics/roadshows.csv", query_string=_range(world))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows[0]) == 9 and rows[0][4] == "独立观众数"  # "Unique viewers"
    assert rows[1][0] == "Winter Demo Day" and rows[1][4] == "3"


def test_csv_cells_cannot_become_formulas(world, token_client, db):
    world.roadshow.title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    raw = token_client(world.admin).get("/api/admin/statistics/roadshows.csv", query_string=_range(world)).get_data()
    assert list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))[1][0].startswith("'=")


def test_unknown_table_is_404(world, token_client):
    assert token_client(world.admin).get("/api/admin/statistics/passwords.csv").status_code == 404


def test_dashboard_page_has_accessible_charts_tables_and_csv_links(world, login):
    page = login(world.admin).get("/admin/statistics", query_string=_range(world))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('role="img"') == 6 and html.count("<title id=\"chart-") == 6
    assert "style=" not in html.split("<main", 1)[1]  # the CSP forbids inline styles
    assert "Winter Demo Day" in html and "/admin/statistics/weekly_sessions.csv?start=" in html
    assert html.count("<table") == 9
    assert 'aria-current="page"' in html and "css/statistics.css" in html


def test_dashboard_page_in_chinese(world, login, db):
    world.admin.locale = "zh"
    db.session.commit()
    html = login(world.admin).get("/admin/statistics", query_string=_range(world)).get_data(as_text=True)
    assert 'lang="zh' in html and "量子" not in html.split("<main", 1)[0]
    assert html.count('role="img"') == 6


def test_bad_range_on_the_page_keeps_what_was_typed(world, login):
    response = login(world.admin).get("/admin/statistics", query_string={"start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="2026-05-02"' in html and 'value="2026-05-01"' in html and 'role="alert"' in html
    assert 'role="img"' not in html
    garbled = login(world.admin).get("/admin/statistics", query_string={"start": "yesterday"})
    assert garbled.status_code == 422 and 'value="yesterday"' in garbled.get_data(as_text=True)


def test_page_csv_download(world, login):
    response = login(world.admin).get("/admin/statistics/sessions.csv", query_string=_range(world))
    assert response.status_code == 200 and response.get_data().startswith(b"\xef\xbb\xbf")
    assert login(world.admin).get("/admin/statistics/sessions.csv", query_string={"end": "x"}).status_code == 422


def test_non_admin_cannot_open_the_page(world, login):
    assert login(world.founder).get("/admin/statistics").status_code == 403


def test_admin_nav_links_to_statistics(world, login):
    assert 'href="/admin/statistics"' in login(world.admin).get("/admin/").get_data(as_text=True)


def test_startup_statistics_api(world, token_client):
    path = f"/api/startups/{world.startup.id}/statistics"
    body = token_client(world.founder).get(path).get_json()
    assert body["sessions"]["delivered"] == 1 and body["pitches"][0]["interest"] == 1
    assert token_client(world.admin).get(path).status_code == 200
    assert token_client(world.outsider).get(path).status_code == 403
    assert token_client(world.admin).get("/api/startups/999999/statistics").status_code == 404


def test_startup_page_shows_the_numbers_to_members_only(world, login, client):
    path = f"/startups/{world.startup.id}"
    assert "st-startup-h" in login(world.founder).get(path).get_data(as_text=True)
    assert "st-startup-h" in login(world.admin).get(path).get_data(as_text=True)
    assert "st-startup-h" not in login(world.outsider).get(path).get_data(as_text=True)
    assert "st-startup-h" not in client.get(path).get_data(as_text=True)
