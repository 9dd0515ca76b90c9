"""``hooks_for_blueprint``: an extension's request hooks run for one blueprint's requests only."""

from flask import Blueprint, Flask

from ivr.web.click_to_call import hooks_for_blueprint


def app_with_a_hooking_extension(ran: list[str]) -> Flask:
    """A plain app whose "extension" hooks every request, as Flask-Limiter's ``init_app`` does,
    with a blueprint ``limited`` (hooks of its own too) and a route outside it."""
    app = Flask(__name__)
    app.before_request(lambda: ran.append("app before"))
    limited = Blueprint("limited", __name__)

    @limited.before_request
    def _own_before() -> None:
        ran.append("blueprint before")

    @limited.after_request
    def _own_after(response):
        ran.append("blueprint after")
        return response

    @limited.get("/limited")
    def limited_view() -> str:
        return "limited"

    @app.get("/webhook")
    def webhook() -> str:
        return "webhook"

    def init_extension() -> None:
        app.before_request(lambda: ran.append("extension before"))

        @app.after_request
        def _after(response):
            ran.append("extension after")
            return response

        app.teardown_request(lambda _error: ran.append("extension teardown"))

    hooks_for_blueprint(app, "limited", init_extension)
    app.register_blueprint(limited)
    return app


def test_requests_outside_the_blueprint_run_none_of_the_extensions_hooks() -> None:
    ran: list[str] = []
    client = app_with_a_hooking_extension(ran).test_client()

    assert client.get("/webhook").text == "webhook"

    assert ran == ["app before"], "the app's own hook stays app-wide"


def test_the_blueprints_requests_run_them_where_app_hooks_would_have_run() -> None:
    ran: list[str] = []
    client = app_with_a_hooking_extension(ran).test_client()

    assert client.get("/limited").text == "limited"

    assert ran == [
        "app before",
        "extension before",  # before the blueprint's own, as an app hook would be
        "blueprint before",
        "blueprint after",
        "extension after",  # after the blueprint's own, as an app hook would be
        "extension teardown",
    ]
