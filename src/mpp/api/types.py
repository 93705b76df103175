"""Bounded types for operation parameters and bodies: an id beyond 64 bits, a date outside
1900–2100 or a coordinate that is NaN or infinite is a 422 problem naming the field, never an
error further down (the same bounds as :mod:`mpp.parsing` for the web)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field

from mpp.parsing import EARLIEST_DATE, LARGEST_ID, LATEST_DATE, in_date_range


def _in_range(day: datetime.date) -> datetime.date:
    if not in_date_range(day):
        raise ValueError(
            _("Isi tanggal antara %(earliest)s dan %(latest)s.")
            % {
                "earliest": EARLIEST_DATE.strftime("%d-%m-%Y"),
                "latest": LATEST_DATE.strftime("%d-%m-%Y"),
            }
        )
    return day


Id = Annotated[int, Field(ge=1, le=LARGEST_ID)]
Day = Annotated[datetime.date, AfterValidator(_in_range)]
Degrees = Annotated[float, Field(allow_inf_nan=False)]

# The states of a Dukcapil check (mpp.integrations.models.VerificationState; a test keeps them
# equal), as the API names them.
IdentityCheck = Literal["pending", "matched", "not_matched", "unavailable"]
