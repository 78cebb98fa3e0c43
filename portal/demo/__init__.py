"""The demo network: partners and logins (network.py), a year of spend (spend.py), the official
registers it is placed from (registers.py), businesses and opportunities (smes.py), and the social
value contracts, commitments and delivery (social_value.py). ``flask demo`` runs ``build_demo``."""
from portal.demo.network import DEMO_NETWORK, DEMO_PARTNERS, DEMO_PASSWORD, build_demo

__all__ = ["DEMO_NETWORK", "DEMO_PARTNERS", "DEMO_PASSWORD", "build_demo"]
