"""Is a register name keyed exactly as a spend file's supplier name is (the two must meet)?"""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from portal.registers.names import register_key
from portal.spend.normalise import normalise_supplier_name

ASCII_NAMES = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=127), max_size=60)
WORDY_NAMES = st.lists(st.sampled_from(["the", "The", "acme", "LTD", "Ltd.", "limited", "t/a", "T / A", "trading", "as",
                                        "&", "plc", "public", "limited company", "O'Brien", "J.P.", "cic", "cyf", "-",
                                        "(UK)", "community interest company", "llp", " ", "uk", "a"]),
                       max_size=8).map(" ".join)


def _expected(name):
    try:
        key = normalise_supplier_name(name)
    except ValueError:
        return None
    return key


@given(st.one_of(ASCII_NAMES, WORDY_NAMES))
def test_an_ascii_register_name_gets_the_spend_key(name):
    keyed = register_key(name)
    assert (keyed[0] if keyed else None) == _expected(name)


def test_names_outside_ascii_and_the_usual_forms():
    assert register_key("ACME WIDGETS LIMITED") == ("acme widgets", "acme")
    assert register_key("The Café & Bar Ltd.") == ("cafe and bar", "cafe")
    assert register_key("J.P. SMITH T/A SMITH'S CARS") == ("jp smith trading as smiths cars", "jp smith")
    assert register_key("NORTH EAST CARE CIC") == ("north east care", "north east")
    assert register_key("!!!") is None and register_key("") is None
