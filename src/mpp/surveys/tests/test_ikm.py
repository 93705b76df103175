"""The SKM arithmetic pinned as tables: exact weights, the band edges, Krejcie & Morgan."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from mpp.surveys import ikm

NINTH = {f"U{n}": Fraction(1, 9) for n in range(1, 10)}


@pytest.mark.parametrize(
    ("nrrs", "expected_ikm", "expected_converted"),
    [
        # All 3.6: exact weights give 90.00 (0.111 × 9 = 0.999 would give 89.91).
        ([Fraction(36, 10)] * 9, Fraction(36, 10), Decimal("90.00")),
        # Mixed averages: Σ NRR / 9 exactly.
        (
            [Fraction(3), Fraction(7, 2), Fraction(4), Fraction(13, 4), Fraction(3), Fraction(3),
             Fraction(37, 10), Fraction(29, 10), Fraction(16, 5)],
            Fraction(3 + Fraction(7, 2) + 4 + Fraction(13, 4) + 3 + 3 + Fraction(37, 10)
                     + Fraction(29, 10) + Fraction(16, 5), 9),
            Decimal("82.08"),
        ),
        ([Fraction(1)] * 9, Fraction(1), Decimal("25.00")),
        ([Fraction(4)] * 9, Fraction(4), Decimal("100.00")),
    ],
)  # fmt: skip
def test_ikm_uses_exact_weights(nrrs, expected_ikm, expected_converted):
    values = {f"U{n}": value for n, value in enumerate(nrrs, start=1)}
    result = ikm.index(values, NINTH)
    assert result == expected_ikm
    assert ikm.rounded(ikm.converted(result)) == expected_converted


def test_rounded_weights_would_drift_and_are_not_used():
    values = dict.fromkeys(NINTH, Fraction(36, 10))
    drifting = sum(value * Fraction(111, 1000) for value in values.values()) * 25
    assert ikm.rounded(drifting) == Decimal("89.91")
    assert ikm.rounded(ikm.converted(ikm.index(values, NINTH))) == Decimal("90.00")


def test_custom_weights_count_as_written():
    weights = {**{f"U{n}": Fraction(1, 10) for n in range(1, 9)}, "U9": Fraction(1, 5)}
    values = {**{f"U{n}": Fraction(3) for n in range(1, 9)}, "U9": Fraction(4)}
    assert ikm.index(values, weights) == Fraction(16, 5)  # 0.8 × 3 + 0.2 × 4


def test_no_answers_means_not_available():
    assert ikm.index(dict.fromkeys(NINTH), NINTH) is None
    assert ikm.nrr(0, 0) is None


@pytest.mark.parametrize(
    ("converted", "mutu", "kinerja"),
    [
        ("25.00", "D", "Tidak Baik"),
        ("64.99", "D", "Tidak Baik"),
        ("64.994", "D", "Tidak Baik"),
        ("64.995", "C", "Kurang Baik"),  # compared after rounding to 2 decimals
        ("65.00", "C", "Kurang Baik"),
        ("76.60", "C", "Kurang Baik"),
        ("76.61", "B", "Baik"),
        ("88.30", "B", "Baik"),
        ("88.304", "B", "Baik"),
        ("88.305", "A", "Sangat Baik"),
        ("88.31", "A", "Sangat Baik"),
        ("100.00", "A", "Sangat Baik"),
    ],
)
def test_bands_at_their_edges(converted, mutu, kinerja):
    band = ikm.band(Fraction(converted))
    assert (band.mutu, band.kinerja) == (mutu, kinerja)


@pytest.mark.parametrize(
    ("population", "sample"),
    [(0, None), (1, 1), (10, 10), (100, 80), (1_000, 278), (10_000, 370), (1_000_000, 384)],
)
def test_krejcie_and_morgan_sample_sizes(population, sample):
    assert ikm.required_sample(population) == sample


@pytest.mark.parametrize(
    ("weights", "sums_to_one"),
    [
        (["1/9"] * 9, True),
        (["0.111"] * 9, False),
        (["0.1"] * 8 + ["0.2"], True),
        (["0.25", "0.25", "0.5"], True),
        (["1/3", "1/3", "0.333"], False),
    ],
)
def test_weights_must_sum_to_exactly_one(weights, sums_to_one):
    assert ikm.weights_sum_to_one(ikm.parse_weight(w) for w in weights) is sums_to_one


def test_float_weights_are_refused():
    with pytest.raises(TypeError):
        ikm.parse_weight(0.1)
