"""The HTTP API v1 (../shared/API.md). Routers live in medpause.api.routers, one per domain."""

from ninja import NinjaAPI

api = NinjaAPI(title="medpause API", version="1", urls_namespace="api")
