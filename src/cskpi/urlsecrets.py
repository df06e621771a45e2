"""Which query parameters of a URL are secrets: the one list, below every layer.

Database URLs (:func:`cskpi.read.database.mask_url`) and every printed message
(:func:`cskpi.present.safe.url_secrets`) mask a parameter whose name holds one of these words
(sslpassword, token, api_key, ...). Plain text, so importing it costs nothing at start-up.
"""

SECRET_WORDS = "pass|pwd|secret|token|key|credential|auth"  # noqa: S105 (names, not a password)
