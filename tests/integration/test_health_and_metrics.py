"""/healthz says which dependency is down; /metrics exposes webhook latency and outcomes."""

from ivr import create_app
from tests.helpers import call_params, free_port, with_settings


def test_healthz_is_ok_when_database_and_redis_answer(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_healthz_names_redis_when_it_is_down(settings) -> None:
    dead = with_settings(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(dead)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == "ok"
    assert response.json["checks"]["redis"].startswith("failed")
    app.extensions["ivr"].close()


def test_healthz_names_the_database_when_it_is_down(settings) -> None:
    nowhere = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/ivr"
    app = create_app(with_settings(settings, database_url=nowhere))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("failed")
    assert response.json["checks"]["redis"] == "ok"
    app.extensions["ivr"].close()


def test_metrics_show_webhook_latency_and_calls_by_outcome(client, carrier) -> None:
    carrier.post("/voice/incoming", call_params())
    body = client.get("/metrics").get_data(as_text=True)
    assert 'ivr_webhook_seconds_count{route="/voice/incoming"}' in body
    assert "ivr_calls_total" in body


def test_webhooks_set_no_session_cookie(carrier) -> None:
    response = carrier.post("/voice/incoming", call_params())
    assert "Set-Cookie" not in response.headers
