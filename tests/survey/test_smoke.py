def test_counter_page_shows_the_questionnaire_in_vietnamese(client):
    page = client.get("/s/TT-Q01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert 'name="TC01"' in html
