"""One fault-plan model for every fake provider: used up one failure at a time, narrowed per
provider to the statuses that provider really answers."""

from __future__ import annotations

import pydantic
import pytest

from pickey_sandbox.faults import Faults
from pickey_sandbox.mailgun.store import FaultPlan as MailgunFaultPlan
from pickey_sandbox.mux.store import FaultPlan as MuxFaultPlan
from pickey_sandbox.pusher.store import FaultPlan as PusherFaultPlan


def test_each_failing_call_uses_up_one_planned_failure() -> None:
    faults = Faults(MuxFaultPlan)
    faults.set(MuxFaultPlan(fail_next=2, status=429, retry_after_seconds=3))

    first, second, third = faults.take_failure(), faults.take_failure(), faults.take_failure()

    assert first is not None
    assert second is not None
    assert (first.fail_next, second.fail_next, third) == (2, 1, None)
    assert second.status == 429
    assert second.retry_after_seconds == 3
    assert faults.plan == MuxFaultPlan(fail_next=0, status=429, retry_after_seconds=3)


def test_clearing_means_never_fail() -> None:
    faults = Faults(PusherFaultPlan)
    faults.set(PusherFaultPlan(fail_next=5, status=403))

    faults.clear()

    assert faults.plan == PusherFaultPlan()
    assert faults.take_failure() is None


@pytest.mark.parametrize(
    ("plan", "status"),
    [(PusherFaultPlan, 400), (MuxFaultPlan, 420), (MailgunFaultPlan, 502)],
)
def test_a_provider_refuses_a_status_it_never_answers(
    plan: type[pydantic.BaseModel], status: int
) -> None:
    with pytest.raises(pydantic.ValidationError):
        plan.model_validate({"fail_next": 1, "status": status})


@pytest.mark.parametrize("plan", [PusherFaultPlan, MuxFaultPlan, MailgunFaultPlan])
def test_plans_are_strict_and_complete(plan: type[pydantic.BaseModel]) -> None:
    with pytest.raises(pydantic.ValidationError):
        plan.model_validate({"fail_next": "1"})
    with pytest.raises(pydantic.ValidationError):
        plan.model_validate({"fail_nxt": 1})


def test_only_the_providers_that_delay_offer_a_delay() -> None:
    assert "delay_seconds" in MuxFaultPlan.model_fields
    assert "delay_seconds" in MailgunFaultPlan.model_fields
    assert "delay_seconds" not in PusherFaultPlan.model_fields
