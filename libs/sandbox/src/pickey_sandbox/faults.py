"""Planned failures of a fake provider: what tests post to make the next calls fail.

Every provider of the sandbox works the same way: a plan says how many of the next calls fail,
with which status and, for a rate limit, which ``Retry-After``; each failing call uses up one;
posting a plan replaces the current one and clearing restores "never fail". Each provider's plan
narrows ``status`` to what that provider really answers and may add what only it does (a delay,
a rate-limit hint left out of the header).
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class FaultPlan(BaseModel):
    """How the next calls fail. Posted by tests as JSON; replaces the current plan."""

    # Strict: a test control must say exactly what it means ("1" is not a number here).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    fail_next: int = Field(default=0, ge=0, description="How many calls fail.")
    retry_after_seconds: float | None = Field(
        default=None, ge=0, description="For a rate limit: the Retry-After header, if any."
    )


P = TypeVar("P", bound=FaultPlan)


class Faults(Generic[P]):
    """One provider's current plan, used up one failure at a time (thread-safe: the sandbox's
    endpoints run in a thread pool)."""

    def __init__(self, plan_type: type[P]) -> None:
        self._lock = threading.Lock()
        self._plan_type = plan_type
        self._plan = plan_type()

    @property
    def plan(self) -> P:
        with self._lock:
            return self._plan

    def set(self, plan: P) -> None:
        with self._lock:
            self._plan = plan

    def clear(self) -> None:
        self.set(self._plan_type())

    def take_failure(self) -> P | None:
        """Use up one planned failure: the plan to answer with, or None if this call succeeds."""
        with self._lock:
            if self._plan.fail_next == 0:
                return None
            used = self._plan
            self._plan = used.model_copy(update={"fail_next": used.fail_next - 1})
            return used
