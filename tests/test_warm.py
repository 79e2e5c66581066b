"""A process started ahead of a build step runs that step's call there, and says what it raised."""

import os

import pytest

from pipeline import warm


def test_a_started_process_runs_the_call_and_the_result_comes_back():
    warm.start("step", ["json"])
    assert warm.call("step", os.getpid) != os.getpid()
    assert warm.call("step", os.getpid) == os.getpid()  # used once; then the call runs here


def test_what_the_call_raises_is_raised_here():
    warm.start("step", [])
    with pytest.raises(ValueError, match="invalid literal"):
        warm.call("step", int, "x")


def test_a_process_no_step_used_is_stopped():
    warm.start("unused", [])
    process = warm._started["unused"]
    warm.discard()
    assert process.returncode is not None and not warm._started


def test_a_process_that_ends_without_answering_is_an_error_naming_its_exit_code():
    warm.start("step", [])
    with pytest.raises(RuntimeError, match="ended with exit code 3"):
        warm.call("step", os._exit, 3)
