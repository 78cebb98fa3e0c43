"""The social value network fixtures (measures in use, contracts) for the asks that become commitments."""
from tests.social_value.conftest import make_contract, measure, partners, sv_network  # noqa: F401
