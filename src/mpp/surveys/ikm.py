"""The SKM arithmetic of PermenPANRB 14/2017, exact (``Fraction``), with no database access.

- NRR (nilai rata-rata) of an element = the sum of its answers / the number of answers.
- IKM (indeks kepuasan masyarakat) = Σ NRR_i × w_i with the **exact** weights (1/9, not the
  regulation's rounded 0.111, which makes many tools drift: 90.56 instead of 91.48).
- The converted value is IKM × 25; mutu (A–D) and kinerja follow the regulation's table, compared
  after rounding the converted value to 2 decimals.
- The required sample is Krejcie & Morgan's, with χ² = 3.841, P = 0.5, d = 0.05, rounded to nearest.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

SCALE = (1, 2, 3, 4)
CONVERSION = 25

# Converted value (rounded to 2 decimals) at least → (mutu, kinerja); read top to bottom.
BANDS = (
    (Decimal("88.31"), "A", _("Sangat Baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang Baik")),
    (Decimal("25.00"), "D", _("Tidak Baik")),
)

CHI_SQUARE = Fraction(3841, 1000)
PROPORTION = Fraction(1, 2)
MARGIN = Fraction(5, 100)


def parse_weight(value: str | int | Fraction | Decimal) -> Fraction:
    """A weight written as a fraction ("1/9") or a decimal ("0.25"); floats are refused (inexact)."""
    if isinstance(value, float):
        raise TypeError("weights are exact: write them as '1/9' or '0.25', never a float")
    if isinstance(value, Fraction):
        return value
    text = str(value).strip()
    # No exponent and no long text: Fraction("1e9999999") costs seconds of CPU to build.
    if len(text) > 40 or "e" in text.lower():
        raise ValueError("a weight is a short fraction or decimal, without an exponent")
    return Fraction(text)


def weights_sum_to_one(weights: Iterable[Fraction]) -> bool:
    return sum(weights, Fraction(0)) == 1


def nrr(total: int, count: int) -> Fraction | None:
    """The element's average answer, or None when nobody answered it."""
    return Fraction(total, count) if count else None


def index(nrrs: Mapping[str, Fraction | None], weights: Mapping[str, Fraction]) -> Fraction | None:
    """IKM = Σ NRR × weight over the elements that were answered.

    An element nobody answered in the period (added to the questionnaire later, say) is left out
    and the other weights are scaled so they still sum to 1; with no answered element at all the
    IKM is not available (None), never 0.
    """
    answered = {code: value for code, value in nrrs.items() if value is not None}
    weight_sum = sum((weights[code] for code in answered), Fraction(0))
    if not answered or weight_sum == 0:
        return None
    return (
        sum((value * weights[code] for code, value in answered.items()), Fraction(0)) / weight_sum
    )


def converted(ikm: Fraction) -> Fraction:
    return ikm * CONVERSION


def rounded(value: Fraction, places: int = 2) -> Decimal:
    """Round half up to ``places`` decimals (how the regulation's table is read)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    mutu: str
    kinerja: str


def band(converted_value: Fraction | Decimal) -> Band:
    """Mutu and kinerja for a converted value (25–100), compared after rounding to 2 decimals."""
    value = rounded(converted_value) if isinstance(converted_value, Fraction) else converted_value
    value = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for lowest, mutu, kinerja in BANDS:
        if value >= lowest:
            return Band(mutu, str(kinerja))
    return Band("D", str(BANDS[-1][2]))


def required_sample(population: int | None) -> int | None:
    """Krejcie & Morgan: S = χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), rounded to nearest (half up)
    (the table PermenPANRB 14/2017 refers to). None when the population is unknown or 0: there is
    no minimum to state, and "sampel minimal 0" would read as "no sample needed"."""
    if not population or population <= 0:
        return None
    variance = PROPORTION * (1 - PROPORTION)
    exact = (CHI_SQUARE * population * variance) / (
        MARGIN**2 * (population - 1) + CHI_SQUARE * variance
    )
    return int(rounded(exact, 0))


class SampleStatus(StrEnum):
    """How the respondents of a period stand against its population."""

    ADEQUATE = "adequate"  # at least the minimum sample, not more than the population
    SHORT = "short"  # fewer than the minimum sample
    UNKNOWN_POPULATION = "unknown_population"  # no finished transactions recorded in the period
    ANOMALY = "anomaly"  # more respondents than people served: the counts cannot both be right


def sample_status(respondents: int, population: int | None) -> SampleStatus:
    if not population or population <= 0:
        return SampleStatus.UNKNOWN_POPULATION
    if respondents > population:
        return SampleStatus.ANOMALY
    minimum = required_sample(population) or 0
    return SampleStatus.ADEQUATE if respondents and respondents >= minimum else SampleStatus.SHORT
