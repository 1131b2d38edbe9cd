"""Batches API (API.md, "Batches"): unit agents upload CSV/XLSX files of stop/resume rows."""

from ninja import Router

router = Router(tags=["batches"])
