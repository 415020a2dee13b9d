"""``bench all --executor ray`` without an address starts one local Ray instance for the grid and
its language-modelling step together, and stops it at the end (``RayExecutor.session``)."""

from __future__ import annotations

import pytest

from bench.executors import make_executor


def test_a_session_keeps_the_instance_it_started_until_it_ends():
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("another test's Ray instance is running")
    executor = make_executor("ray")
    with executor.session():
        first, owned = executor._connect()
        assert owned
        executor._release(first, owned)  # the grid's work is done ...
        assert ray.is_initialized()  # ... and the instance stays for the LM step
        again, owned_again = executor._connect()
        assert not owned_again  # which joins it instead of starting another
        executor._release(again, owned_again)
    assert not ray.is_initialized()  # stopped once, at the end


def test_without_a_session_each_call_stops_what_it_started():
    ray = pytest.importorskip("ray")
    if ray.is_initialized():
        pytest.skip("another test's Ray instance is running")
    executor = make_executor("ray")
    started, owned = executor._connect()
    assert owned
    executor._release(started, owned)
    assert not ray.is_initialized()
