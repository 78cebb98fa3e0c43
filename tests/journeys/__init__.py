"""Journeys: each test clicks through the portal as one kind of user would, in headless Chromium.

Every page a journey reaches is checked as it is reached (``Journey.check``):
axe-core finds no WCAG 2.2 A/AA violation, the page fits a 320 px screen
without scrolling sideways (wide tables scroll inside their own container),
every chart has its figures in a table or a text description, and the page's
own assets are under 300 KB gzipped, all from the portal's own host. Forms
are walked with the keyboard only and submitted empty to check the GOV.UK
error summary (``keyboard.py``). Each journey keeps a screenshot of its final
page; the README's are written to docs/screenshots/.

One file per journey:
  test_public_summary.py      the public reads a network's summary
  test_officer_spend.py       a partner officer imports a spend file and reads the dashboard
  test_lead_partners.py       the network lead adds a partner and compares partners
  test_officer_social_value.py an officer records a contract, commitment and delivery, downloads the report
  test_sme.py                 a business registers, confirms its email (sent by the worker), fills in its
                              profile; a partner publishes an opportunity, the worker matches it; the business
                              says it is interested, the partner sees it; the public reads opportunities and asks;
                              and the lead reads the local market gaps
  test_lead_places_suppliers.py the lead loads the postcode directory and Companies House file (the worker loads
                              them and matches), settles register matches, sets the area, corrects a supplier's
                              postcode; the dashboard's shares of procurable spend follow
"""
