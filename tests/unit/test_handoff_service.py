"""Hand-off service settings and the HTTP client, against a real server on loopback."""

import asyncio

import pytest
from aiohttp import web

from bot.handoff.service import (
    HandoffConfigError,
    HandoffService,
    HandoffServiceError,
    ServiceSettings,
    settings_from_env,
)
from tests.servers import serve_app

TOKEN = "a-real-looking-service-token-123"


def test_unset_means_not_configured():
    assert settings_from_env({}) is None


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CONSOLE_URL": "http://127.0.0.1:8090"}, "CONSOLE_SERVICE_TOKEN"),
        ({"CONSOLE_SERVICE_TOKEN": TOKEN}, "CONSOLE_URL"),
        ({"CONSOLE_URL": "127.0.0.1:8090", "CONSOLE_SERVICE_TOKEN": TOKEN}, "CONSOLE_URL"),
        ({"CONSOLE_URL": "http://127.0.0.1:8090", "CONSOLE_SERVICE_TOKEN": "changeme"}, "CONSOLE_SERVICE_TOKEN"),
    ],
)
def test_half_or_placeholder_settings_fail_naming_the_variable(env, named):
    with pytest.raises(HandoffConfigError, match=named):
        settings_from_env(env)


def test_valid_settings():
    assert settings_from_env({"CONSOLE_URL": "http://h:1/", "CONSOLE_SERVICE_TOKEN": TOKEN}) == ServiceSettings(
        "http://h:1", TOKEN
    )


async def serve(handler_calls):
    async def create(request):
        handler_calls.append((request.method, request.path, request.headers.get("Authorization"), await request.json()))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"detail": "token"}, status=401)
        return web.json_response({"id": 7, "status": "aangevraagd", "beschikbaar": True, "reden": "open"}, status=201)

    async def forward(request):
        handler_calls.append((request.method, request.path, None, await request.json()))
        return web.json_response({}, status=202)

    async def delete(request):
        handler_calls.append((request.method, request.path, None, None))
        return web.json_response({"gewist": 2})

    app = web.Application()
    app.router.add_post("/api/handoffs", create)
    app.router.add_post("/api/handoffs/{id}/bericht", forward)
    app.router.add_delete("/api/conversations/{cid}/persoonsgegevens", delete)
    return await serve_app(app)


async def test_client_calls_the_contract():
    calls: list = []
    runner, url = await serve(calls)
    try:
        service = HandoffService(ServiceSettings(url, TOKEN))
        answer = await service.request({"conversation_id": "c1", "channel": "rest", "contact_voorkeur": "chat"})
        assert (answer.id, answer.status, answer.beschikbaar, answer.reden) == (7, "aangevraagd", True, "open")
        await service.forward(7, "hallo", 12.5)
        assert await service.delete_personal_data("c1") == 2
        with pytest.raises(HandoffServiceError, match="401"):
            await HandoffService(ServiceSettings(url, "wrong-token-wrong-token")).request({"conversation_id": "c"})
    finally:
        await runner.cleanup()
    body = {"conversation_id": "c1", "channel": "rest", "contact_voorkeur": "chat"}
    assert calls[0] == ("POST", "/api/handoffs", f"Bearer {TOKEN}", body)
    assert calls[1] == ("POST", "/api/handoffs/7/bericht", None, {"tekst": "hallo", "tijd": 12.5})
    assert calls[2] == ("DELETE", "/api/conversations/c1/persoonsgegevens", None, None)


async def test_unreachable_service_is_a_service_error():
    service = HandoffService(ServiceSettings("http://127.0.0.1:9", TOKEN))
    with pytest.raises(HandoffServiceError):
        await asyncio.wait_for(service.request({"conversation_id": "c"}), 10)
