"""The forms of the sign-in, account, management and tablet pages: each field's problem is shown
beside it in the page's language, what was typed is kept (and escaped), CSRF is still checked,
and the GET forms of the reports tolerate a malformed link."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from surveyapp.models import AuditEvent, Unit, User
from tests.dashboard.conftest import COMMUNE, MONTH, csrf_from


def _field_error(html: str, field: str) -> str:
    """The error shown beside the field `field` (empty when there is none)."""
    match = re.search(rf'<span class="field-error" id="{field}-error">([^<]*)</span>', html)
    return match.group(1) if match else ""


def test_a_malformed_unit_is_refused_with_each_reason_beside_its_field(as_admin, db):
    reply = as_admin.post("/manage/units/new", data={"code": "bad code", "name": "", "parent_code": "DEMO"})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert _field_error(html, "code") == "mã chỉ gồm chữ, số, &#39;.&#39;, &#39;_&#39; và &#39;-&#39; (tối đa 64 ký tự)"
    assert _field_error(html, "name") == "cần có giá trị"
    assert 'aria-describedby="code-error" aria-invalid="true"' in html
    assert 'value="bad code"' in html  # what was typed is kept
    assert db.scalar(select(func.count()).select_from(Unit).where(Unit.code == "bad code")) == 0


def test_the_services_refusal_is_shown_beside_the_field_it_is_about(as_admin):
    html = as_admin.post("/manage/counters/new", data={"code": "BM-Q01", "name": "Quầy", "unit_code": COMMUNE}).get_data(as_text=True)
    assert _field_error(html, "code") == "Mã BM-Q01 đã được dùng."


def test_a_refusal_about_the_whole_record_is_shown_above_the_form(as_manager):
    reply = as_manager.post("/manage/units/new", data={"code": "TL-TOP", "name": "Mới", "parent_code": ""})
    assert reply.status_code == 400
    assert _field_error(reply.get_data(as_text=True), "parent_code") == "Chỉ quản trị hệ thống mới tạo hoặc chuyển được đơn vị cấp cao nhất."


def test_what_was_typed_is_escaped_when_the_form_is_shown_again(as_admin):
    html = as_admin.post("/manage/procedures/new", data={"code": "1.00", "name": '<script>alert(1)</script>', "field": "x"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _field_error(html, "code") == "mã thủ tục có dạng 1.001612"
    # a refusal quoting what was typed is escaped too
    html = as_admin.post("/manage/units/new", data={"code": "NEW", "name": "New", "parent_code": "<b>x</b>"}).get_data(as_text=True)
    assert "<b>x</b>" not in html and _field_error(html, "parent_code") == "không có đơn vị mã &lt;b&gt;x&lt;/b&gt;"


def test_field_errors_follow_the_language_of_the_page(as_admin):
    html = as_admin.post("/manage/units/new?lang=en", data={"code": "bad code", "name": "Unit", "parent_code": "DEMO"}).get_data(as_text=True)
    assert _field_error(html, "code") == "a code may hold only letters, digits, &#39;.&#39;, &#39;_&#39; and &#39;-&#39; (at most 64)"
    assert "Please correct the fields marked below." in html


def test_an_edit_form_shows_the_records_values_and_no_code_field(as_manager):
    html = as_manager.get("/manage/counters/TL-Q01").get_data(as_text=True)
    assert 'name="code"' not in html and "<code>TL-Q01</code>" in html
    assert re.search(r'<input [^>]*name="name"[^>]*value="[^"]+"', html)
    assert f'<option value="{COMMUNE}" selected>' in html


def test_a_new_account_needs_a_role_from_the_list(as_admin, db):
    reply = as_admin.post("/admin/users", data={"username": "dong-son", "password": "long-enough-passphrase", "role": "boss", "unit": COMMUNE})
    assert reply.status_code == 400
    assert _field_error(reply.get_data(as_text=True), "role") == "Hãy chọn một trong các vai trò."
    missing = as_admin.post("/admin/users", data={"username": "dong-son", "password": "long-enough-passphrase", "unit": COMMUNE})
    assert missing.status_code == 400  # never quietly a viewer
    assert db.scalar(select(User).where(User.username == "dong-son")) is None


def test_account_form_errors_are_beside_their_fields(as_admin):
    html = as_admin.post("/admin/users", data={"username": "x y", "password": "short", "role": "viewer", "unit": ""}).get_data(as_text=True)
    assert _field_error(html, "username") == "Tên đăng nhập gồm 2 đến 64 chữ cái, chữ số, &#39;.&#39;, &#39;_&#39;, &#39;@&#39; hoặc &#39;-&#39;."
    assert _field_error(html, "password") == "Mật khẩu phải có ít nhất 12 ký tự."
    no_unit = as_admin.post("/admin/users", data={"username": "xy", "password": "long-enough-passphrase", "role": "viewer", "unit": ""}).get_data(as_text=True)
    assert _field_error(no_unit, "unit") == "Cán bộ quản lý hoặc theo dõi phải thuộc một đơn vị."


def test_the_own_access_rule_is_shown_above_the_account_form(as_admin, db):
    admin_id = db.scalar(select(User.id).where(User.username == "admin"))
    reply = as_admin.post(f"/admin/users/{admin_id}", data={"role": "admin", "unit": "", "full_name": "A"})  # unticked: inactive
    assert reply.status_code == 400
    assert '<p class="alert alert--error" role="alert">Không thể tự bỏ quyền quản trị của chính mình.</p>' in reply.get_data(as_text=True)
    db.expire_all()
    assert db.scalar(select(User.active).where(User.id == admin_id)) is True


def test_an_account_edit_records_the_new_unit_in_the_audit_log(as_admin, db):
    user_id = db.scalar(select(User.id).where(User.username == "tanlap"))
    saved = as_admin.post(f"/admin/users/{user_id}", data={"role": "viewer", "unit": "DEMO-X-DONGSON", "full_name": "T", "active": "1"})
    assert saved.status_code == 302
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated", AuditEvent.target == "tanlap"))
    assert event.detail == {"role": "viewer", "unit": "DEMO-X-DONGSON", "active": True}


def test_an_empty_sign_in_is_refused_beside_the_fields_without_counting_as_a_failure(client, db):
    reply = client.post("/login", data={"username": "  ", "password": ""})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 400
    assert _field_error(html, "username") == "Hãy nhập tên đăng nhập."
    assert _field_error(html, "password") == "Hãy nhập mật khẩu."
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_upload_needs_a_csv_or_xlsx_file(as_admin):
    import io

    missing = as_admin.post("/manage/import/units", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and _field_error(missing.get_data(as_text=True), "file") == "Hãy chọn tệp cần nhập."
    wrong = as_admin.post("/manage/import/units", data={"file": (io.BytesIO(b"x"), "units.pdf")}, content_type="multipart/form-data")
    assert wrong.status_code == 400 and _field_error(wrong.get_data(as_text=True), "file") == "Chỉ nhập được tệp .csv và .xlsx."


def test_a_pairing_code_for_an_unknown_counter_is_refused_beside_the_counter(as_admin):
    reply = as_admin.post("/admin/kiosks/pairing-codes", data={"counter": "NO-SUCH"})
    assert reply.status_code == 400 and _field_error(reply.get_data(as_text=True), "counter") == "Vui lòng chọn quầy."


# ---------------------------------------------------------------- CSRF is still checked
def test_management_and_account_forms_need_the_csrf_token_when_enabled(app, as_admin, db):
    app.config["WTF_CSRF_ENABLED"] = True
    for url, data in (("/manage/units/new", {"code": "TL-AP9", "name": "Ấp 9", "parent_code": COMMUNE}),
                      ("/admin/users", {"username": "forged", "password": "long-enough-passphrase", "role": "admin", "unit": ""}),
                      ("/admin/kiosks/pairing-codes", {"counter": "TL-Q01"})):
        assert as_admin.post(url, data=data).status_code == 400, url
    assert db.scalar(select(User).where(User.username == "forged")) is None
    token = csrf_from(as_admin.get("/manage/units/new").get_data(as_text=True))
    made = as_admin.post("/manage/units/new", data={"code": "TL-AP9", "name": "Ấp 9", "parent_code": COMMUNE, "csrf_token": token})
    assert made.status_code == 302


# ---------------------------------------------------------------- GET forms of the reports
def test_the_month_switch_falls_back_to_this_month_and_the_overview_for_a_malformed_link(as_commune):
    from surveyapp.periods import this_month

    going = as_commune.get(f"/reports/go?unit={COMMUNE}&month=2026-13&tab=nonsense")
    assert going.status_code == 302 and going.headers["Location"] == f"/reports/{COMMUNE}/{this_month()}"
    by_counter = as_commune.get(f"/reports/go?unit={COMMUNE}&month=2026-10&tab=counter")
    assert by_counter.headers["Location"] == f"/reports/{COMMUNE}/2026-10/by/counter"
    assert as_commune.get("/reports/go?month=2026-10").status_code == 404  # no unit: nothing to show


def test_the_comment_filter_ignores_malformed_values(as_commune):
    everything = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments").get_data(as_text=True)
    junk = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?max_overall=abc&page=zero&q=%20%20")
    assert junk.status_code == 200
    count = re.search(r'<span class="muted small">\((\d+)\)</span>', everything).group(1)
    assert f'<span class="muted small">({count})</span>' in junk.get_data(as_text=True)
    low = as_commune.get(f"/reports/{COMMUNE}/{MONTH}/comments?max_overall=2").get_data(as_text=True)
    assert '<option value="2" selected>' in low


def test_the_audit_filter_ignores_an_unknown_event(as_admin):
    page = as_admin.get("/admin/audit?action=<nonsense>")
    # Events are shown in words since issue 18: the sign-in appears as "Đăng nhập".
    assert page.status_code == 200 and "<td>Đăng nhập</td>" in page.get_data(as_text=True)
