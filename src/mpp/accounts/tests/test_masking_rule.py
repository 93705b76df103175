"""The one masking rule (``accounts.privacy``): the table and how it is applied to a person."""

from __future__ import annotations

import pytest

from mpp.accounts.privacy import Exposure, Relation, exposure, initials, masked_ip, person


@pytest.mark.parametrize(
    ("related", "ordinary", "withheld"),
    [
        (Relation.SELF, Exposure.WHOLE, Exposure.WHOLE),
        (Relation.HANDLER, Exposure.WHOLE, Exposure.WHOLE),
        (Relation.OVERSIGHT, Exposure.MASKED, Exposure.HIDDEN),
        (Relation.OTHER, Exposure.HIDDEN, Exposure.HIDDEN),
    ],
)
def test_the_rule_table(related, ordinary, withheld):
    assert exposure(related) == ordinary
    assert exposure(related, withheld=True) == withheld


def test_a_person_whole_masked_and_hidden():
    data = {"name": "Budi Santoso", "nik": "2171011508900003", "email": "budi@contoh.id"}
    whole = person(Exposure.WHOLE, **data)
    assert (whole.label, whole.email) == ("Budi Santoso (2171********0003)", "budi@contoh.id")
    masked = person(Exposure.MASKED, **data)
    assert (masked.label, masked.email) == ("B. S. (2171********0003)", "")
    hidden = person(Exposure.HIDDEN, hidden_label="Dirahasiakan", **data)
    assert (hidden.label, hidden.name, hidden.nik, hidden.email) == ("Dirahasiakan", "", "", "")


def test_initials_and_networks():
    assert initials("dr. Andi Pratama") == "D. A. P."
    assert initials("") == ""
    assert masked_ip("203.0.113.99") == "203.0.113.0/24"
    assert masked_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert masked_ip("bukan alamat") == ""
