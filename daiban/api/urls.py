import copy

from django.shortcuts import render
from django.urls import path
from django.utils import translation
from ninja import NinjaAPI
from ninja.security import SessionAuth

from daiban.api import errors
from daiban.api.auth import TokenAuth
from daiban.api.endpoints import router


class DaibanAPI(NinjaAPI):
    """The OpenAPI schema is built once per path prefix and language, not on every request
    for /openapi.json or /docs (about 300 ms each on this project's machine): the
    operations do not change while the process runs."""

    _schemas: dict = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, repr(path_params), translation.get_language())
        if key not in self._schemas:
            self._schemas[key] = super().get_openapi_schema(
                path_prefix=path_prefix, path_params=path_params
            )
        return copy.deepcopy(self._schemas[key])


api = DaibanAPI(
    title="Daiban API",
    version="1",
    description="The village proxy-service system. Authenticate with `Authorization: Bearer <token>` "
    "(tokens are issued in the admin). Every POST accepts an `Idempotency-Key` header.",
    # A token first; else the page's own session with its CSRF token (checked by SessionAuth),
    # so the offline pages (daiban/offline) sync through the same endpoints, scoping and
    # Idempotency-Key handling as every other client. The session middlewares (second
    # factor, first password) run before it.
    auth=[TokenAuth(), SessionAuth()],
    docs_url=None,  # our own page below: Swagger UI needs inline scripts our CSP forbids
    urls_namespace="api",
)
errors.install(api)
api.add_router("/", router)


def docs(request):
    """A readable list of every operation, from the OpenAPI schema; no JavaScript."""
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [
        {
            "method": method.upper(),
            "path": route,
            "summary": op.get("summary", ""),
            "tags": op.get("tags", []),
        }
        for route, methods in schema["paths"].items()
        for method, op in methods.items()
    ]
    return render(request, "api/docs.html", {"operations": operations, "schema": schema})


urlpatterns = [path("docs", docs, name="api-docs"), path("", api.urls)]
