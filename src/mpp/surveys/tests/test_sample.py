"""The minimum sample (issue 23, finding 7): Krejcie–Morgan as PermenPANRB 14/2017 refers to; an
unknown or zero population says so instead of "sampel minimal 0"; more respondents than people
served is an anomaly, never "sampel mencukupi"."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.template.loader import render_to_string

from mpp.surveys import ikm
from mpp.surveys.selectors import ElementResult, IkmResult
from mpp.surveys.units import Unit


def _result(respondents: int, population: int) -> IkmResult:
    elements = [
        ElementResult(f"U{i}", f"Unsur {i}", Fraction(1, 9), 3 * respondents, respondents)
        for i in range(1, 10)
    ]
    day = datetime.date(2026, 12, 1)
    return IkmResult(
        Unit("region", "2171"), "Kota Batam", day, day, respondents, population, elements
    )


@pytest.mark.parametrize(
    ("respondents", "population", "status"),
    [
        (161, 3, ikm.SampleStatus.ANOMALY),
        (12, 0, ikm.SampleStatus.UNKNOWN_POPULATION),
        (80, 100, ikm.SampleStatus.ADEQUATE),
        (79, 100, ikm.SampleStatus.SHORT),
        (3, 3, ikm.SampleStatus.ADEQUATE),
        (0, 100, ikm.SampleStatus.SHORT),
    ],
)
def test_the_sample_status(respondents, population, status):
    assert ikm.sample_status(respondents, population) == status
    assert _result(respondents, population).sample_adequate == (status == "adequate")


def test_an_unknown_population_has_no_minimum():
    assert ikm.required_sample(0) is None
    result = _result(12, 0)
    assert result.required_sample is None
    # The API answers from the same result: null, never 0.
    from mpp.api.routers.surveys import IkmOut

    answer = IkmOut.from_orm(result).dict()
    assert answer["required_sample"] is None and answer["sample_status"] == "unknown_population"


def test_the_report_flags_more_respondents_than_population_as_an_anomaly():
    html = render_to_string("surveys/components/summary.html", {"result": _result(161, 3)})
    assert "Anomali: 161 responden melebihi populasi 3 transaksi selesai" in html
    assert "sampel mencukupi" not in html


def test_the_report_and_the_public_figure_say_the_population_is_unknown():
    result = _result(12, 0)
    html = render_to_string("surveys/components/summary.html", {"result": result})
    assert "populasi belum diketahui" in html and "sampel mencukupi" not in html
    public = render_to_string(
        "surveys/components/latest_ikm.html", {"latest": result, "period": "Triwulan IV 2026"}
    )
    assert "12 responden (populasi belum diketahui" in public
    assert "sampel minimal 0" not in public
