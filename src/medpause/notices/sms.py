"""The SMS provider adapter: one HTTP interface for every gateway. A gateway is reached at
MEDPAUSE_SMS_URL with the bearer token MEDPAUSE_SMS_TOKEN; a message is a POST of JSON
{"to", "text", "reference"} and is sent when the answer is 2xx with JSON naming its "id". A
bureau's real provider sits behind a small relay speaking this; the tests start a stub gateway
as a real process (tests/notices/stubs.py)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings


class DeliveryError(Exception):
    """The channel did not take the message; `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class SmsGateway:
    def __init__(self, url: str | None = None, token: str | None = None, timeout: float = 10.0):
        self.url = url if url is not None else settings.MEDPAUSE_SMS_URL
        self.token = token if token is not None else settings.MEDPAUSE_SMS_TOKEN
        self.timeout = timeout

    def send(self, *, to: str, text: str, reference: str) -> str:
        """Hand one message to the gateway; the provider's id of it. `reference` is ours: a
        gateway that sees the same reference twice may drop the second."""
        if not self.url:
            raise DeliveryError("no SMS gateway configured (MEDPAUSE_SMS_URL)", permanent=True)
        body = json.dumps({"to": to, "text": text, "reference": reference}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", **({"Authorization": f"Bearer {self.token}"} if self.token else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                answer = json.loads(response.read(65536) or b"{}")
        except urllib.error.HTTPError as e:
            # 4xx but 408/429: the gateway refuses this message; retrying the same cannot help
            raise DeliveryError(f"gateway answered {e.code}", permanent=400 <= e.code < 500 and e.code not in (408, 429)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            raise DeliveryError(f"gateway unreachable: {type(e).__name__}") from None
        except ValueError:
            raise DeliveryError("gateway answered no JSON") from None
        provider_id = answer.get("id") if isinstance(answer, dict) else None
        if not provider_id:
            raise DeliveryError("gateway answered without an id")
        return str(provider_id)[:120]
