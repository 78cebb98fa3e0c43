"""Is a registering SME placed by its full postcode against the area's districts, once the directory is loaded?"""
from __future__ import annotations

from portal.extensions import db
from portal.smes.services import locality

from .conftest import DONCASTER, ROTHERHAM


def test_an_sme_is_local_by_its_full_postcode_when_the_directory_holds_it(make_network, reference):
    reference.postcodes({"S25 1AA": (ROTHERHAM, None, None, None, None), "S25 9ZZ": (DONCASTER, None, None, None, None)})
    network = make_network("Rotherham Anchors", local_area=("S25",))
    network.area_codes = [ROTHERHAM]
    db.session.commit()
    assert locality("s25 1aa", network, db.session) == ("S25 1AA", "S25", True)
    assert locality("S25 9ZZ", network, db.session) == ("S25 9ZZ", "S25", False)
    # A postcode the directory does not hold yet: its postcode district decides, as before.
    assert locality("S25 5QQ", network, db.session) == ("S25 5QQ", "S25", True)


def test_without_area_codes_the_postcode_district_decides(make_network, reference):
    reference.postcodes({"S25 9ZZ": (DONCASTER, None, None, None, None)})
    network = make_network("Older Anchors", local_area=("S25",))
    assert locality("S25 9ZZ", network, db.session) == ("S25 9ZZ", "S25", True)
    assert locality("S60 1AA", network) == ("S60 1AA", "S60", False)
