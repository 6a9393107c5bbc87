"""Real text-message providers: Alibaba Cloud SMS and Tencent Cloud SMS, through their
official SDKs (`alibabacloud-dysmsapi20170525`, `tencentcloud-sdk-python-sms`).

Both send only templates approved in advance: each message kind of notifications/texts.py
is sent as its registered code (DAIBAN_SMS_TEMPLATES) with its parameters, under the
county's approved signature (DAIBAN_SMS_SIGN_NAME). Delivery receipts are pulled over the
same signed API (`receipts`, run by `manage.py sms_receipts` and the worker every ten
minutes) rather than pushed to a callback: the providers' callbacks carry no signature,
so an open endpoint would believe anyone, and a pull needs no public address at all.

Select one with DAIBAN_SMS_BACKEND=daiban.notifications.gateways.AlibabaSms (or
.TencentSms); docs/operations.md, "Text messages", lists its settings.
"""

import datetime
import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from daiban.notifications.texts import TEXTS, parameter_names

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class ProviderError(RuntimeError):
    """The provider refused the message; the worker retries and records the reason."""


@dataclass(frozen=True)
class Sent:
    """What a receipt query needs to know of a message sent."""

    provider_id: str
    phone: str
    sent_at: datetime.datetime


@dataclass(frozen=True)
class Receipt:
    provider_id: str
    delivered: bool
    at: datetime.datetime | None
    error: str = ""


class TemplateGateway:
    """Common to providers: the settings they need and the template code of each kind."""

    templated = True  # services.deliver passes template, code and params
    required = ("DAIBAN_SMS_ACCESS_KEY_ID", "DAIBAN_SMS_ACCESS_KEY_SECRET", "DAIBAN_SMS_SIGN_NAME")

    def __init__(self):
        missing = [name for name in self.required if not getattr(settings, name)]
        kinds = [kind for kind in TEXTS if kind not in settings.DAIBAN_SMS_TEMPLATES]
        if kinds:
            missing.append("DAIBAN_SMS_TEMPLATES (no code for " + ", ".join(kinds) + ")")
        if missing:
            raise ImproperlyConfigured(
                f"{type(self).__name__} needs " + "; ".join(missing) + " (docs/operations.md)"
            )

    @staticmethod
    def code(template: str) -> str:
        return settings.DAIBAN_SMS_TEMPLATES[template]


def _national(phone: str) -> str:
    """13877160412 from +8613877160412 or 13877160412."""
    digits = phone.replace(" ", "")
    return digits[3:] if digits.startswith("+86") else digits


def _endpoint() -> tuple[str, str]:
    """(host, scheme) of DAIBAN_SMS_ENDPOINT: 'http://127.0.0.1:9000' in tests."""
    endpoint = settings.DAIBAN_SMS_ENDPOINT
    if "://" in endpoint:
        scheme, host = endpoint.split("://", 1)
        return host.rstrip("/"), scheme
    return endpoint, "https"


class AlibabaSms(TemplateGateway):
    """Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms and QuerySendDetails."""

    def __init__(self):
        super().__init__()
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api

        host, scheme = _endpoint()
        self.client = Client(
            open_api.Config(
                access_key_id=settings.DAIBAN_SMS_ACCESS_KEY_ID,
                access_key_secret=settings.DAIBAN_SMS_ACCESS_KEY_SECRET,
                endpoint=host or "dysmsapi.aliyuncs.com",
                protocol=scheme,
                connect_timeout=5000,
                read_timeout=10000,
            )
        )

    def _call(self, method: str, request):
        try:
            return getattr(self.client, method)(request).body
        except Exception as exc:  # the SDK's own exceptions have no useful repr
            raise ProviderError(f"Alibaba Cloud SMS: {exc}"[:900]) from exc

    def send(self, *, phone, body, key, template, code, params) -> str:
        from alibabacloud_dysmsapi20170525 import models as sms

        answer = self._call(
            "send_sms",
            sms.SendSmsRequest(
                phone_numbers=_national(phone),
                sign_name=settings.DAIBAN_SMS_SIGN_NAME,
                template_code=code,
                template_param=json.dumps(params, ensure_ascii=False),
                out_id=key[:64],  # comes back in receipts; the provider's own duplicate guard
            ),
        )
        if answer.code != "OK":
            raise ProviderError(f"Alibaba Cloud SMS: {answer.code} {answer.message}")
        return answer.biz_id

    def receipts(self, sent: list[Sent]) -> list[Receipt]:
        from alibabacloud_dysmsapi20170525 import models as sms

        found = []
        for message in sent:
            answer = self._call(
                "query_send_details",
                sms.QuerySendDetailsRequest(
                    phone_number=_national(message.phone),
                    biz_id=message.provider_id,
                    send_date=message.sent_at.astimezone(SHANGHAI).strftime("%Y%m%d"),
                    page_size=10,
                    current_page=1,
                ),
            )
            if answer.code != "OK":
                raise ProviderError(f"Alibaba Cloud SMS: {answer.code} {answer.message}")
            details = answer.sms_send_detail_dtos.sms_send_detail_dto or []
            for detail in details:
                if detail.send_status in (2, 3):  # 1 waiting, 2 failed, 3 delivered
                    found.append(
                        Receipt(
                            provider_id=message.provider_id,
                            delivered=detail.send_status == 3,
                            at=_shanghai(detail.receive_date),
                            error="" if detail.send_status == 3 else (detail.err_code or ""),
                        )
                    )
                    break
        return found


class TencentSms(TemplateGateway):
    """Tencent Cloud SMS (2021-01-11): SendSms and PullSmsSendStatus."""

    required = (*TemplateGateway.required, "DAIBAN_SMS_APP_ID")

    def __init__(self):
        super().__init__()
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        host, scheme = _endpoint()
        http = HttpProfile(endpoint=host or "sms.tencentcloudapi.com", reqTimeout=10)
        http.scheme = scheme
        self.client = sms_client.SmsClient(
            credential.Credential(
                settings.DAIBAN_SMS_ACCESS_KEY_ID, settings.DAIBAN_SMS_ACCESS_KEY_SECRET
            ),
            settings.DAIBAN_SMS_REGION,
            ClientProfile(httpProfile=http),
        )

    def _call(self, request_class, method, payload: dict):
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )

        request = request_class()
        request.from_json_string(json.dumps(payload, ensure_ascii=False))
        try:
            return getattr(self.client, method)(request)
        except TencentCloudSDKException as exc:
            raise ProviderError(f"Tencent Cloud SMS: {exc.code} {exc.message}") from exc

    def send(self, *, phone, body, key, template, code, params) -> str:
        from tencentcloud.sms.v20210111 import models as sms

        answer = self._call(
            sms.SendSmsRequest,
            "SendSms",
            {
                "PhoneNumberSet": ["+86" + _national(phone)],
                "SmsSdkAppId": settings.DAIBAN_SMS_APP_ID,
                "SignName": settings.DAIBAN_SMS_SIGN_NAME,
                "TemplateId": code,
                # {1}, {2} … in the text's order (PostgreSQL's jsonb keeps no key order)
                "TemplateParamSet": [params[name] for name in parameter_names(template)],
                "SessionContext": key,
            },
        )
        status = answer.SendStatusSet[0]
        if status.Code != "Ok":
            raise ProviderError(f"Tencent Cloud SMS: {status.Code} {status.Message}")
        return status.SerialNo

    def receipts(self, sent: list[Sent]) -> list[Receipt]:
        """Every status waiting at Tencent (each is handed out once, to whoever pulls
        first: keep one puller), for messages asked about or not."""
        from tencentcloud.sms.v20210111 import models as sms

        answer = self._call(
            sms.PullSmsSendStatusRequest,
            "PullSmsSendStatus",
            {"Limit": 100, "SmsSdkAppId": settings.DAIBAN_SMS_APP_ID},
        )
        return [
            Receipt(
                provider_id=status.SerialNo,
                delivered=status.ReportStatus == "SUCCESS",
                at=datetime.datetime.fromtimestamp(status.UserReceiveTime, datetime.UTC)
                if status.UserReceiveTime
                else None,
                error="" if status.ReportStatus == "SUCCESS" else (status.Description or ""),
            )
            for status in answer.PullSmsSendStatusSet or []
        ]


def _shanghai(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
