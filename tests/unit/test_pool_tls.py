"""One TLS context per process: the provider pool's, shared with the AWS connections."""

from __future__ import annotations

import ssl

from gateway.http_pool import new_pool


def test_the_pool_makes_one_tls_context_until_it_is_renewed() -> None:
    pool = new_pool(connect_timeout_s=1, idle_timeout_s=1)
    first = pool.ssl_context()
    assert isinstance(first, ssl.SSLContext) and first.verify_mode == ssl.CERT_REQUIRED
    assert first.check_hostname and first.cert_store_stats()["x509_ca"] > 0  # the CA bundle is in it
    assert pool.ssl_context() is first
    pool.renew()  # SnapStart's after-restore hook: no TLS state shared across restored copies
    assert pool.ssl_context() is not first
