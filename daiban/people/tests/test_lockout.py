"""Log-in lock-out: per account and address, a slower account-wide pause, and a
center director who can unlock an agent of the township."""

import pytest
from django.test import Client

from daiban.audit.models import AuditRecord
from daiban.testing.world import verified_login

A, B = "10.20.0.1", "10.30.0.2"


def log_in(address, username, password, **extra):
    return Client().post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(address, username, times=5, **extra):
    for _ in range(times):
        log_in(address, username, "wrong-password", **extra)


def test_wrong_passwords_from_one_address_do_not_lock_the_user_out_elsewhere(world):
    fail(A, "agent_dachang")
    assert log_in(A, "agent_dachang", "x").status_code == 429  # locked here
    assert log_in(B, "agent_dachang", "x").status_code == 302  # in from the office


def test_the_administrator_cannot_be_locked_out_by_a_stranger(world):
    fail(A, "admin")
    response = log_in(B, "admin", "x")
    assert response.status_code == 302


def test_many_addresses_guessing_one_account_pause_it_everywhere(world, settings):
    for n in range(settings.DAIBAN_LOGIN_ACCOUNT_LIMIT):
        fail(f"10.40.0.{n}", "agent_dachang", times=1)
    assert log_in(B, "agent_dachang", "x").status_code == 429


def test_behind_the_proxy_each_client_address_counts_for_itself(world, settings):
    settings.DAIBAN_TRUSTED_PROXY_HEADER = "HTTP_X_REAL_IP"
    fail("127.0.0.1", "agent_dachang", HTTP_X_REAL_IP="203.0.113.5")
    assert (
        log_in("127.0.0.1", "agent_dachang", "x", HTTP_X_REAL_IP="203.0.113.5").status_code == 429
    )
    assert (
        log_in("127.0.0.1", "agent_dachang", "x", HTTP_X_REAL_IP="203.0.113.6").status_code == 302
    )


def test_a_director_sees_the_lock_and_unlocks_an_agent(world):
    fail(A, "agent_dachang")
    director = verified_login(Client(), world.director)
    page = director.get("/staff/").content.decode()
    assert "agent_dachang" in page and "agent_yankou" in page
    assert f"/staff/{world.agent.pk}/unlock/" in page  # a button: the agent is locked
    assert f"/staff/{world.other_agent.pk}/unlock/" not in page  # not locked: no button
    response = director.post(f"/staff/{world.agent.pk}/unlock/")
    assert response.status_code == 302
    assert log_in(A, "agent_dachang", "x").status_code == 302
    record = AuditRecord.objects.filter(action="login.unlock").get()
    assert record.user_id == world.director.pk and record.object_id == str(world.agent.pk)


@pytest.mark.parametrize("who", ["other_director", "agent", "leader", "supervisor"])
def test_only_the_own_townships_director_can_unlock(world, who):
    fail(A, "agent_dachang")
    client = verified_login(Client(), getattr(world, who))
    assert client.post(f"/staff/{world.agent.pk}/unlock/").status_code == 404
    assert log_in(A, "agent_dachang", "x").status_code == 429
    assert not AuditRecord.objects.filter(action="login.unlock").exists()


def test_unlocking_takes_a_post(world):
    fail(A, "agent_dachang")
    director = verified_login(Client(), world.director)
    assert director.get(f"/staff/{world.agent.pk}/unlock/").status_code == 405
    assert log_in(A, "agent_dachang", "x").status_code == 429


def test_a_director_cannot_unlock_another_director_or_an_administrator(world):
    fail(A, "admin")
    director = verified_login(Client(), world.director)
    assert director.post(f"/staff/{world.admin.pk}/unlock/").status_code == 404
    assert director.post(f"/staff/{world.leader.pk}/unlock/").status_code == 404


def test_the_audit_trail_records_the_clients_address_behind_the_proxy(world, settings):
    settings.DAIBAN_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.DAIBAN_TRUSTED_PROXY_COUNT = 1
    log_in("127.0.0.1", "agent_dachang", "wrong", HTTP_X_FORWARDED_FOR="10.66.0.1, 203.0.113.9")
    record = AuditRecord.objects.filter(action="login", outcome="failed").latest("seq")
    assert record.address == "203.0.113.9"
