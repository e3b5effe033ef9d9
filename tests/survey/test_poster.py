"""The printable A4 poster that hangs at each counter."""


def test_the_poster_names_the_unit_and_counter_and_carries_the_qr_and_url(client):
    reply = client.get("/posters/TT-Q01")
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200
    assert '<html lang="vi">' in html
    assert "Trung tâm Phục vụ hành chính công tỉnh" in html and "Quầy số 1 — Đất đai" in html
    assert "<svg" in html and "<path" in html
    assert "https://survey.example.vn/s/TT-Q01" in html
    assert "quét mã QR" in html
    assert "poster.css" in html


def test_the_poster_stylesheet_sets_an_a4_page(client):
    css = client.get("/static/css/poster.css").get_data(as_text=True)
    assert "size: A4" in css


def test_a_poster_for_an_unknown_counter_is_not_found(client):
    assert client.get("/posters/NOPE").status_code == 404
