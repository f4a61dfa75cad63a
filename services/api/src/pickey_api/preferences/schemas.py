"""Request and response bodies of the notification preferences endpoints."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from pickey_core.models import Channel
from pickey_core.notification_categories import CATALOGUE, Category
from pickey_core.partial_update import PartialUpdate


class ChannelPreference(BaseModel):
    channel: Channel
    enabled: bool = Field(description="Whether this category is delivered on this channel.")
    default: bool = Field(description="The value when the user never chose.")
    configurable: bool = Field(description="False when the value is fixed (money emails).")


class CategoryPreferences(BaseModel):
    category: Category
    description: str
    channels: list[ChannelPreference]


class PreferencesRead(BaseModel):
    categories: list[CategoryPreferences]


class PreferenceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    category: Category
    channel: Channel
    enabled: StrictBool


MAX_CHANGES = len(CATALOGUE) * len(Channel)


class PreferencesUpdate(PartialUpdate):
    changes: list[PreferenceChange] = Field(min_length=1, max_length=MAX_CHANGES)

    @model_validator(mode="after")
    def _each_once(self) -> Self:
        keys = [(change.category, change.channel) for change in self.changes]
        if len(set(keys)) != len(keys):
            raise ValueError("each category and channel may appear once")
        return self
