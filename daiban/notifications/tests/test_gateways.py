"""Real providers, one fake HTTP endpoint: a message queued in the outbox reaches a local
stand-in for Alibaba Cloud SMS or Tencent Cloud SMS as a request signed with the key
(checked here by the providers' documented algorithms, ACS3-HMAC-SHA256 and
TC3-HMAC-SHA256), carrying the registered template code and the parameters in order; the
receipt pulled afterwards updates the outbox. Quiet hours hold texts until morning."""

import datetime
import hashlib
import hmac
import http.server
import io
import json
import threading
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
import time_machine
from django.core.management import call_command

from daiban.notifications import schedule, services
from daiban.notifications.models import Sms
from daiban.notifications.texts import TEXTS, parameter_names

pytestmark = pytest.mark.django_db

KEY_ID, SECRET = "LTAI-test-id", "test-secret-never-sent"
PHONE = "+8613877160412"
VALUES = {
    "name": "胡建荣",
    "item": "粮食直补存折更名",
    "number": "DC-2026-0001",
    "code": "K7M2Q9",
    "due": "12月3日",
    "url": "https://daiban.example.gov.cn/track/?code=K7M2Q9",
}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def alibaba_signature_ok(method: str, path: str, headers: dict, body: bytes) -> bool:
    """Alibaba Cloud's V3 signature (ACS3-HMAC-SHA256), recomputed from the request."""
    auth = headers["authorization"]
    algorithm, rest = auth.split(" ", 1)
    fields = dict(part.split("=", 1) for part in rest.split(","))
    signed = fields["SignedHeaders"].split(";")
    url = urlsplit(path)
    query = "&".join(
        f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
        for k, v in sorted(parse_qsl(url.query, keep_blank_values=True))
    )
    canonical = "\n".join(
        [
            method,
            url.path or "/",
            query,
            "".join(f"{h}:{headers[h].strip()}\n" for h in signed),
            ";".join(signed),
            headers["x-acs-content-sha256"],
        ]
    )
    expected = hmac.new(
        SECRET.encode(), f"{algorithm}\n{_sha(canonical.encode())}".encode(), hashlib.sha256
    ).hexdigest()
    return (
        algorithm == "ACS3-HMAC-SHA256"
        and fields["Credential"] == KEY_ID
        and headers["x-acs-content-sha256"] == _sha(body)
        and hmac.compare_digest(expected, fields["Signature"])
    )


def tencent_signature_ok(headers: dict, body: bytes) -> bool:
    """Tencent Cloud's TC3-HMAC-SHA256, recomputed from the request."""
    algorithm, rest = headers["authorization"].split(" ", 1)
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    key_id, date, service, _ = fields["Credential"].split("/")
    signed = fields["SignedHeaders"].split(";")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            "".join(f"{h}:{headers[h].strip().lower()}\n" for h in signed),
            ";".join(signed),
            _sha(body),
        ]
    )
    to_sign = "\n".join(
        [
            algorithm,
            headers["x-tc-timestamp"],
            f"{date}/{service}/tc3_request",
            _sha(canonical.encode()),
        ]
    )
    key = _hmac(_hmac(_hmac(("TC3" + SECRET).encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return key_id == KEY_ID and hmac.compare_digest(expected, fields["Signature"])


class FakeProvider(http.server.BaseHTTPRequestHandler):
    """Answers like the provider when the signature is right, 403 otherwise."""

    requests: list[dict] = []

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        if headers.get("authorization", "").startswith("TC3"):
            ok = tencent_signature_ok(headers, body)
            payload = json.loads(body)
            action = headers["x-tc-action"]
            answer = {
                "SendSms": {
                    "SendStatusSet": [
                        {"SerialNo": "tc-serial-1", "Code": "Ok", "Message": "send success"}
                    ]
                },
                "PullSmsSendStatus": {
                    "PullSmsSendStatusSet": [
                        {
                            "SerialNo": "tc-serial-1",
                            "ReportStatus": "SUCCESS",
                            "UserReceiveTime": 1795900000,
                            "Description": "DELIVRD",
                        }
                    ]
                },
            }[action]
            answer = {"Response": {**answer, "RequestId": "r"}}
        else:
            ok = alibaba_signature_ok(self.command, self.path, headers, body)
            payload = dict(parse_qsl(urlsplit(self.path).query))
            action = headers["x-acs-action"]
            answer = {
                "SendSms": {"Code": "OK", "Message": "OK", "BizId": "ali-biz-1"},
                "QuerySendDetails": {
                    "Code": "OK",
                    "Message": "OK",
                    "SmsSendDetailDTOs": {
                        "SmsSendDetailDTO": [
                            {"SendStatus": 3, "ReceiveDate": "2026-11-30 08:00:07", "ErrCode": ""}
                        ]
                    },
                },
            }[action]
        FakeProvider.requests.append({"action": action, "payload": payload, "signed": ok})
        data = json.dumps(answer if ok else {"Code": "SignatureDoesNotMatch"}).encode()
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _handle

    def log_message(self, *args):
        pass


@pytest.fixture
def provider(settings):
    FakeProvider.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DAIBAN_SMS_ENDPOINT = f"http://127.0.0.1:{server.server_address[1]}"
    settings.DAIBAN_SMS_ACCESS_KEY_ID = KEY_ID
    settings.DAIBAN_SMS_ACCESS_KEY_SECRET = SECRET
    settings.DAIBAN_SMS_SIGN_NAME = "云岭县代办"
    settings.DAIBAN_SMS_APP_ID = "1400000001"
    settings.DAIBAN_SMS_TEMPLATES = {kind: f"SMS_{n:03d}" for n, kind in enumerate(TEXTS)}
    yield FakeProvider.requests
    server.shutdown()
    server.server_close()


def _queue_and_send(django_capture_on_commit_callbacks, key="event:1") -> Sms:
    with django_capture_on_commit_callbacks(execute=True):
        services.queue(key=key, template="accepted", to=PHONE, **VALUES)
    return Sms.objects.get(key=key)


def test_alibaba_gets_the_signed_template_and_its_receipt(
    provider, settings, django_capture_on_commit_callbacks
):
    settings.DAIBAN_SMS_BACKEND = "daiban.notifications.gateways.AlibabaSms"
    sms = _queue_and_send(django_capture_on_commit_callbacks)

    assert sms.status == Sms.Status.SENT
    assert sms.provider_id == "ali-biz-1"
    sent = provider[0]
    assert sent["signed"] and sent["action"] == "SendSms"
    assert sent["payload"]["TemplateCode"] == settings.DAIBAN_SMS_TEMPLATES["accepted"]
    assert sent["payload"]["SignName"] == "云岭县代办"
    assert sent["payload"]["PhoneNumbers"] == "13877160412"
    assert sent["payload"]["OutId"] == "event:1"
    assert json.loads(sent["payload"]["TemplateParam"]) == {
        name: VALUES[name] for name in parameter_names("accepted")
    }

    out = io.StringIO()
    call_command("sms_receipts", stdout=out)
    assert "1 delivered" in out.getvalue()
    sms.refresh_from_db()
    assert provider[1]["signed"] and provider[1]["action"] == "QuerySendDetails"
    assert provider[1]["payload"]["BizId"] == "ali-biz-1"
    assert sms.delivery == Sms.Delivery.DELIVERED
    assert sms.delivered_at == datetime.datetime(2026, 11, 30, 0, 0, 7, tzinfo=datetime.UTC)


def test_tencent_gets_the_signed_template_and_its_receipt(
    provider, settings, django_capture_on_commit_callbacks
):
    settings.DAIBAN_SMS_BACKEND = "daiban.notifications.gateways.TencentSms"
    sms = _queue_and_send(django_capture_on_commit_callbacks)

    assert sms.status == Sms.Status.SENT
    assert sms.provider_id == "tc-serial-1"
    sent = provider[0]
    assert sent["signed"] and sent["action"] == "SendSms"
    assert sent["payload"]["TemplateId"] == settings.DAIBAN_SMS_TEMPLATES["accepted"]
    assert sent["payload"]["PhoneNumberSet"] == [PHONE]
    assert sent["payload"]["SmsSdkAppId"] == "1400000001"
    assert sent["payload"]["SessionContext"] == "event:1"
    # Tencent numbers the variables {1}, {2} …: the order of the text.
    assert sent["payload"]["TemplateParamSet"] == [
        VALUES[name] for name in ["name", "item", "number", "code", "due", "url"]
    ]

    assert schedule.pull_receipts() == {"asked": 1, "delivered": 1, "undelivered": 0}
    sms.refresh_from_db()
    assert provider[1]["signed"] and provider[1]["action"] == "PullSmsSendStatus"
    assert sms.delivery == Sms.Delivery.DELIVERED


def test_a_wrong_secret_is_refused_and_the_text_retried(
    provider, settings, django_capture_on_commit_callbacks
):
    settings.DAIBAN_SMS_BACKEND = "daiban.notifications.gateways.AlibabaSms"
    settings.DAIBAN_SMS_ACCESS_KEY_SECRET = "someone-elses"
    sms = _queue_and_send(django_capture_on_commit_callbacks)  # the worker logs the failure
    assert provider and not any(request["signed"] for request in provider)
    assert sms.status in (Sms.Status.FAILED, Sms.Status.GAVE_UP)
    assert "SignatureDoesNotMatch" in sms.error
    assert sms.provider_id == ""


def test_a_provider_needs_a_code_for_every_text(provider, settings):
    from django.core.exceptions import ImproperlyConfigured

    from daiban.notifications.gateways import TencentSms

    del settings.DAIBAN_SMS_TEMPLATES["staff_payment"]
    with pytest.raises(ImproperlyConfigured, match="staff_payment"):
        TencentSms()


def test_quiet_hours_hold_texts_until_morning(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.DAIBAN_SMS_QUIET_HOURS = (datetime.time(21), datetime.time(8))
    settings.VAR_DIR = tmp_path  # the real local log backend
    evening = datetime.datetime(
        2026, 11, 27, 22, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=8))
    )
    with time_machine.travel(evening, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            services.queue(key="event:night", template="accepted", to=PHONE, **VALUES)
            services.queue(key="event:urgent", template="accepted", to=PHONE, urgent=True, **VALUES)
        night, urgent = Sms.objects.get(key="event:night"), Sms.objects.get(key="event:urgent")
        assert urgent.status == Sms.Status.SENT
        assert night.status == Sms.Status.QUEUED
        assert services.deliver(night.pk) is False  # not even a retry sends it early
        with django_capture_on_commit_callbacks(execute=True):
            assert schedule.send_waiting() == []
    lines = (tmp_path / "sms.log").read_text().splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["event:urgent"]
    assert "138****0412" in lines[0] and "13877160412" not in lines[0]  # still masked
    assert json.loads(lines[0])["template"] == "accepted"

    morning = evening + datetime.timedelta(hours=9, minutes=31)
    with (
        time_machine.travel(morning, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert schedule.send_waiting() == [night.pk]
    night.refresh_from_db()
    assert night.status == Sms.Status.SENT
    assert night.sent_at.astimezone(evening.tzinfo).hour == 8
    assert len((tmp_path / "sms.log").read_text().splitlines()) == 2


def test_quiet_until_spans_midnight(settings):
    settings.DAIBAN_SMS_QUIET_HOURS = (datetime.time(21), datetime.time(8))
    cst = datetime.timezone(datetime.timedelta(hours=8))
    at = lambda h, m=0, d=27: datetime.datetime(2026, 11, d, h, m, tzinfo=cst)  # noqa: E731
    assert schedule.quiet_until(at(20, 59), "accepted") is None
    assert schedule.quiet_until(at(21), "accepted") == at(8, d=28)
    assert schedule.quiet_until(at(3), "accepted") == at(8)
    assert schedule.quiet_until(at(8), "accepted") is None
    settings.DAIBAN_SMS_URGENT = ["staff_overdue"]
    assert schedule.quiet_until(at(23), "staff_overdue") is None
