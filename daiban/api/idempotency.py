"""Idempotency-Key for every POST: a retry gets the first answer and changes nothing; the
same key with another body is a conflict. The key is claimed first and the answer is
written beside it in the same transaction, so two retries racing each other cannot both
act, and a request that fails leaves no claim behind."""

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

        key = key[:200]
        try:
            with transaction.atomic():
                # The key is claimed before the view acts: a concurrent retry's INSERT waits on
                # the unique index until this request commits, then fails and replays the
                # answer. Checking first and inserting after would let both act.
                record = IdempotentRequest.objects.create(
                    user=request.user,
                    key=key,
                    method=request.method,
                    path=request.path,
                    body_hash=digest,
                    status=0,
                    response={},
                )
                result = view(request, *args, **kwargs)
                status, payload = _split(result)
                payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
                IdempotentRequest.objects.filter(pk=record.pk).update(
                    status=status, response=payload
                )
        except IntegrityError:
            # The key was already claimed and committed: answer what it answered.
            first = IdempotentRequest.objects.filter(user=request.user, key=key).first()
            if first is None:
                raise
            return replay(first)
        return JsonResponse(payload, status=status, safe=False)

    return wrapper
