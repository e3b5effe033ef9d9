"""Each device has its own request budget; pairing attempts are limited per client address."""
from __future__ import annotations

import pytest

from surveyapp.kiosk.ratelimit import TokenBucket
from tests.kiosk.helpers import auth, pair


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": False, "KIOSK_RATE_BURST": 3, "KIOSK_RATE_PER_MINUTE": 6, "KIOSK_PAIR_BURST": 2}


def send(client, headers):
    return client.post("/api/kiosk/responses", headers=headers, json={"responses": []})


def test_a_device_past_its_rate_limit_gets_429_with_retry_after(app, client):
    first, second = auth(pair(app, client, "TT-Q01")["token"]), auth(pair(app, client, "TT-Q02")["token"])
    assert [send(client, first).status_code for _ in range(4)] == [200, 200, 200, 429]
    limited = send(client, first)
    assert limited.get_json() == {"error": "rate_limited", "retry_after": int(limited.headers["Retry-After"])}
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    assert send(client, second).status_code == 200  # another tablet is not held back


def test_pairing_attempts_are_limited(client):
    statuses = [client.post("/api/kiosk/pair", json={"code": "0000-0000"}).status_code for _ in range(3)]
    assert statuses == [403, 403, 429]


def test_the_bucket_refills_with_time():
    now = [0.0]
    bucket = TokenBucket(2, 0.5, clock=lambda: now[0])
    assert [bucket.take("d"), bucket.take("d"), bucket.take("d")] == [0, 0, 2]
    now[0] += 2
    assert bucket.take("d") == 0
