"""Idempotency-Key for every POST: a retry gets the first answer and changes nothing; the
same key with another body is a conflict. The first request and its record commit
together, so two retries racing each other cannot both act."""

import functools
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from ninja import Status

from daiban.api.errors import body as error_body
from daiban.api.models import IdempotentRequest


def _split(result):
    """A view's answer as (status, payload): ninja's Status, a (status, payload) tuple, or
    the payload alone (200)."""
    if isinstance(result, Status):
        return result.status_code, result.value
    return result if isinstance(result, tuple) else (200, result)


def idempotent(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key:
            result = view(request, *args, **kwargs)
            status, payload = _split(result)
            return JsonResponse(
                json.loads(json.dumps(payload, cls=DjangoJSONEncoder)), status=status, safe=False
            )
        digest = hashlib.sha256(request.body or b"").hexdigest()

        def replay(record):
            if record.body_hash != digest or record.path != request.path:
                message = _("This Idempotency-Key was used for a different request.")
                return JsonResponse(error_body("idempotency_conflict", message), status=409)
            return JsonResponse(record.response, status=record.status, safe=False)

        existing = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if existing is not None:
            return replay(existing)
        try:
            with transaction.atomic():
                result = view(request, *args, **kwargs)
                status, payload = _split(result)
                payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
                IdempotentRequest.objects.create(
                    user=request.user,
                    key=key[:200],
                    method=request.method,
                    path=request.path,
                    body_hash=digest,
                    status=status,
                    response=payload,
                )
        except IntegrityError:
            # A concurrent retry committed first: answer what it answered.
            first = IdempotentRequest.objects.filter(user=request.user, key=key[:200]).first()
            if first is None:
                raise
            return replay(first)
        return JsonResponse(payload, status=status, safe=False)

    return wrapper
