"""Helpers for the multi-process race: a worker function (importable by spawned processes)
and a moto server that isolates concurrent requests."""

from __future__ import annotations

import socket
import threading
import time

from moto.moto_server.threaded_moto_server import ThreadedMotoServer


def race(url: str, scope: str, quota: str, attempts: int, start_at: float) -> tuple[int, int]:
    """From ``start_at`` (so that every process races at once), apply +1 ``attempts``
    times; return (accepted, rejected)."""
    from quotapilot.ledger import QuotaExceeded, open_ledger

    accepted = rejected = 0
    with open_ledger(url) as ledger:
        ledger.usage(scope, quota)  # connect before the start
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(attempts):
            try:
                ledger.apply(scope, {quota: 1})
                accepted += 1
            except QuotaExceeded:
                rejected += 1
    return accepted, rejected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class IsolatingMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose requests run one at a time.

    Real DynamoDB transactions are serialisable; moto's in-memory backend snapshots and
    restores whole tables per transaction without a lock, so two of its request threads can
    interleave inside one transaction. Serialising requests gives the isolation DynamoDB
    guarantees (the ledger's own retry of TransactionConflict is tested with a stub).
    """

    def _server_entry(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        from werkzeug.serving import WSGIRequestHandler, make_server

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        app = DomainDispatcherApplication(create_backend_app)
        lock = threading.Lock()

        def isolated(environ, start_response):
            with lock:
                return list(app(environ, start_response))

        self._server = make_server(
            self._ip_address, self._port, isolated, True, request_handler=QuietHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
