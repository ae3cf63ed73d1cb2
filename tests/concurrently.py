"""Real concurrent requests for the tests that need them (PostgreSQL): each call in its own thread and connection."""

import threading

from django.db import connections


def together(calls) -> list:
    """Runs each call in its own thread and connection, all released at once; returns their results."""
    barrier = threading.Barrier(len(calls), timeout=10)
    results: list = [None] * len(calls)
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001  (reported to the main thread)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results
