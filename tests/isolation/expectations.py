"""What each role may get from each route, when the route points at someone else's objects.

Every endpoint of the app is listed with its audience; the matrix test fails for
a route that is not. The audience decides the answers each role may get:

- ``public``: anyone; never shows B's or the other SME's private words.
- ``asset``: static files; only "no server error" is checked.
- ``signed_in``: any signed-in person, about themselves (password, sign-out ...).
- ``partner``: a partner's own pages with no object in the URL.
- ``partner_object``: the URL names B's object: 404 (or 403 for too low a role) for everyone.
- ``lead``: the URL names the shared network: only its lead gets through.
- ``network_reader``: the URL names the shared network: its lead and its partners' people get
  through (the network's annual report); anyone else gets 403 or 404.
- ``any_lead``: shared by every network (the official registers): any network's lead gets through.
- ``token``: a signed link; a forged token must be refused.
- ``business``: a registered SME's own pages.
- ``business_object``: the URL names an object a business may only reach if it is its own.
- ``api``: an /api/v1 route of the token's own partner: 401 with no token (anonymous, the SME);
  each partner role calls with a token of its partner, of its own scopes (world.py ``TOKEN_SCOPES``).
- ``api_object``: an /api/v1 route naming B's object: 401 with no token, 403 or 404 with one.

Beyond the statuses, every request of every role is checked for B's and the other
SME's private words in the answer, and for any change to their rows.
"""
from __future__ import annotations

from dataclasses import dataclass

LOGIN = "/sign-in"
# A benchmark as the lead's form posts it.
BENCHMARK = {"place": "Preston", "publisher": "CLES", "title": "Preston spend analysis", "url": "https://cles.org.uk/",
             "year": "2023", "definition": "cles_based", "unit": "percent", "figure": "18.2"}


@dataclass(frozen=True)
class Expect:
    audience: str
    # Data posted to POST routes; empty posts prove little, so give what a real form would.
    data: dict | None = None
    # Extra statuses a route may answer (e.g. 400 for a forged token).
    also: frozenset = frozenset()
    # A JSON body, for routes that take one (the API), sent instead of ``data``.
    json: dict | None = None


def allowed(audience: str, role: str) -> set[int] | None:
    """Statuses a role may get, or None for "anything below 500" (the route is theirs)."""
    anonymous_redirect = {302}
    if audience in ("api", "api_object") and role in ("anonymous", "sme"):
        return {401}  # no token: a session cookie opens nothing of the API
    if audience == "api":
        return None
    if audience == "api_object":
        return {403, 404}
    if audience in ("public", "asset"):
        return None
    if audience == "token":
        return {400, 404, 410} if role == "anonymous" else {400, 403, 404, 410}
    if audience == "signed_in":
        return anonymous_redirect if role == "anonymous" else None
    if role == "anonymous":
        return anonymous_redirect
    if audience == "partner":
        return {403} if role == "sme" else None
    if audience == "partner_object":
        return {403, 404}
    if audience == "lead":
        return None if role == "lead" else {403, 404}
    if audience == "network_reader":
        return None if role in ("lead", "a_viewer", "a_officer", "a_admin") else {403, 404}
    if audience == "any_lead":
        return None if role in ("lead", "other_lead") else {403, 404}
    if audience == "business":
        return None if role == "sme" else {403}
    if audience == "business_object":
        return {403, 404}
    raise ValueError(f"unknown audience {audience!r}")


# Roles that legitimately read the shared network's rows (and may change them) on a lead route.
def may_change_network(audience: str, role: str) -> bool:
    return audience == "lead" and role == "lead"


P, PO, L = Expect("partner"), Expect("partner_object"), Expect("lead")

EXPECTATIONS: dict[str, Expect] = {
    # Accounts and the audit log
    "audit.log": P,
    "accounts.accept_invitation": Expect("token"),
    "accounts.reset_password": Expect("token"),
    "accounts.account": Expect("signed_in"),
    "accounts.change_password": Expect("signed_in"),
    "accounts.forgotten_password": Expect("public", data={"email": "admin@b.org"}),
    "accounts.login": Expect("public"),
    "accounts.logout": Expect("signed_in"),
    "accounts.people": P,
    "accounts.invite": Expect("partner", data={"email": "x@a.org", "name": "X", "role": "viewer"}),
    "accounts.switch_partner": Expect("signed_in", data={"organisation_id": "{organisation_id}"}),
    "accounts.withdraw_invitation": PO,
    # Managing people: the URL names B's admin's membership, or a lead of the shared network
    "people.change_role": Expect("partner_object", data={"role": "viewer"}),
    "people.remove": PO,
    "people.disable": PO,
    "people.enable": PO,
    "network.lead_team": L,
    "network.remove_lead": L,
    "network.disable_lead": L,
    "network.enable_lead": L,
    "assets.built_asset": Expect("asset"),
    "assets.govuk_asset": Expect("asset"),
    "assets.govuk_script": Expect("asset"),
    "static": Expect("asset"),
    "home.index": Expect("public"),
    # Operations: no sign-in, no tenant, no partner's rows (/metrics answers 403 beyond its networks).
    "operations.healthz": Expect("public"),
    "operations.readyz": Expect("public", also=frozenset({503})),  # 503 naming the failed check (no worker here)
    "operations.metrics": Expect("public"),
    # Spend and the partner dashboard
    "dashboard.download": P,
    "dashboard.lines_download": P,
    "dashboard.partner": P,
    "dashboard.network_summary": Expect("public"),
    "spend.imports": P,
    "spend.lines": P,
    "spend.new_line": P,
    "spend.columns": Expect("partner_object", data={"payment_date": "Date"}),
    "spend.import_good_lines": PO,
    "spend.import_problems": PO,
    "spend.import_progress": PO,
    "spend.retry_import": PO,
    "spend.show_import": PO,
    "spend.choose_for_held_months": Expect("partner_object", data={"choice": "replace"}),
    "spend.withdraw_import": Expect("partner_object", data={"confirm": "y"}),
    "spend.import_group": PO,
    "contract_registers.imports": P,
    "contract_registers.columns": Expect("partner_object", data={"title": "Contract Title"}),
    "contract_registers.show_import": PO,
    "contract_registers.apply": Expect("partner_object", data={"confirm": "y"}),
    "contract_registers.problems_csv": PO,
    "contract_registers.differences_csv": PO,
    "contract_registers.retry": PO,
    "partner.sharing": Expect("partner", data={"shares_lines_with_lead": "y"}),
    # The lead's network pages
    "network.index": Expect("signed_in"),
    "network.show": L,
    "network.add_partner": Expect("lead", data={"name": "Intruder", "kind": "other"}),
    "network.partner_lines": L,
    "network.suppliers": L,
    "network.supplier": Expect("lead", data={"kind": "vcse", "is_sme": "yes"}),
    "network.review": L,
    "network.decide": Expect("lead", data={"decision": "merge"}),
    "network.confirm_merge": L,
    "network.undo_merge": L,
    "network.split_spelling": L,
    "network.place_supplier": Expect("lead", data={"postcode": "S60 1AA", "company_number": "01234567"}),
    "network.area_settings": Expect("lead", data={"area_codes": "E08000018", "excluded_kinds": ["public"]}),
    "companies_house.lookup": L,
    "network.business_claims": L,
    "network.decide_claim": Expect("lead", data={"decision": "confirm"}),
    "register_matches.review_matches": Expect("lead", data={"supplier_id": "{supplier_id}", "choice": "none"}),
    # Social value
    "social_value.contract_list": P,
    "social_value.new_contract": P,
    "social_value.flags": P,
    "social_value.targets": P,
    "social_value.partner_measures_choice": P,
    "social_value.contract": PO,
    "social_value.edit_contract": Expect("partner_object", data={"title": "Hijacked"}),
    "social_value.create_supplier_link": PO,
    "social_value.revoke_supplier_links": PO,
    "social_value.add_contract_note": Expect("partner_object", data={"text": "Hijacked note"}),
    "social_value.supplier_delivery": PO,
    "social_value.living_wage_download": P,
    "social_value.new_commitment": PO,
    "social_value.edit_commitment": Expect("partner_object", data={"quantity": "1"}),
    "social_value.new_report": PO,
    "social_value.delivery_report": PO,
    "social_value.edit_report": Expect("partner_object", data={"quantity": "1"}),
    "social_value.verify_report": PO,
    "social_value.reject_report": PO,
    "social_value.add_evidence": PO,
    "social_value.evidence_file": PO,
    "social_value.supplier_report": Expect("token"),
    "social_value.bulk_imports": P,
    "social_value.bulk_template": P,
    "social_value.bulk_import_page": PO,
    "social_value.bulk_import_problems": PO,
    "social_value.delivery_reports_download": P,
    "social_value.network_settings": Expect("lead", data={"four_eyes": "off"}),
    "social_value.measures_catalogue": L,
    "social_value.import_measures": L,
    "social_value.load_demo_measures": L,
    "social_value.load_social_value_model": L,
    "social_value.set_measures_in_use": L,
    "social_value.rebase": L,
    "social_value.beneficiary_groups": Expect("lead", data={"name": "Care leavers"}),
    "social_value.drop_beneficiary_group": L,
    "social_value.network_flags": L,
    "social_value.network_targets": L,
    "social_value.chasing_settings": Expect("lead", data={"days": "3"}),
    "social_value.policy_start": Expect("lead", data={"policy_start_date": ["1", "4", "2019"]}),
    "sv_report.partner_report": P,
    "sv_report.partner_report_download": P,
    "sv_report.partner_report_pdf": P,
    "sv_report.network_report": L,
    "sv_report.network_report_download": L,
    "sv_report.network_report_pdf": L,
    # The annual report for scrutiny (portal/reports): partners read the network's too.
    "reports.partner_report": P,
    "reports.partner_report_file": P,
    "reports.network_report": Expect("network_reader"),
    "reports.network_report_file": Expect("network_reader"),
    "reports.choose_case_studies": Expect("partner", data={"reports": "{report_id}"}),  # B's report: refused
    "reports.publishing_threshold": Expect("partner", data={"threshold": "50000", "public_social_value": "no"}),
    # Benchmarks (portal/benchmarks): the shared network's; only its lead adds, changes or deletes them.
    "benchmarks.benchmarks": Expect("lead", data=BENCHMARK),
    "benchmarks.edit_benchmark": Expect("lead", data=BENCHMARK),
    "benchmarks.delete_benchmark": L,
    "gaps.show": L,
    "gaps.download": L,
    "gaps.categories": L,
    "gaps.suggest_codes": L,
    "gaps.change": Expect("lead", data={"code": "another", "other_code": "45000000"}),
    # A small business's or VCSE's own pages (no business id in any URL)
    "smes.register_choose": Expect("public"),
    "smes.register": Expect("public"),
    "smes.verify": Expect("token"),
    "smes.verify_pending": Expect("business"),
    "smes.resend_verification": Expect("business"),
    "smes.profile": Expect("business"),
    "smes.edit_profile": Expect("business", data={"name": "Our Local Firm", "organisation_type": "company",
                                                   "postcode": "S60 1AA", "size_band": "micro"}),
    "smes.categories": Expect("business", data={"codes": "45000000"}),
    # Opportunities and social value asks (the URL names B's draft and the ask on it)
    "opportunities.mine": P,
    "opportunities.new": Expect("partner", data={"title": "A's own", "description": "Work", "cpv": "45442100",
                                                 "value_band": "under_10k", "contact_name": "Al", "contact_email": "al@a.org",
                                                 "closing_date": "1 1 2099"}),
    "opportunities.manage": PO,
    "opportunities.edit": Expect("partner_object", data={"title": "Hijacked"}),
    "opportunities.change_status": PO,
    "opportunities.my_asks": P,
    "opportunities.new_ask": Expect("partner", data={"kind": "mentoring", "title": "Hijack", "opportunity_id": "{opportunity_id}"}),
    "opportunities.ask": PO,
    "opportunities.ask_status": Expect("partner_object", data={"status": "closed"}),
    "opportunities.public_list": Expect("public"),
    "opportunities.network_list": Expect("public"),
    "opportunities.public_opportunity": Expect("public"),
    "opportunities.feed": Expect("public"),
    "opportunities.ocds_package": Expect("public"),
    "opportunities.ocds_opportunity": Expect("public"),
    "opportunities.public_asks": Expect("public"),
    "opportunities.network_asks": Expect("public"),
    # The pipeline (the URL names B's draft, out to tender) and the public forward plan
    "opportunities.stage": Expect("partner_object", data={"stage": "cancelled", "on": "1 1 2030"}),
    "opportunities.plan": Expect("partner_object", data={"expected_tender_on": "1 6 2030"}),
    "opportunities.bids": Expect("partner_object", data={"bidder": "supplier-{supplier_id}"}),
    "opportunities.award": Expect("partner_object", data={"bidder": "supplier-{supplier_id}", "value": "1000",
                                                          "on": "1 1 2030"}),
    "opportunities.forward_plan_all": Expect("public"),
    "opportunities.network_forward_plan": Expect("public"),
    "social_value.confirm_proposal": Expect("partner_object", data={"drop": "1"}),
    # The funnel: a partner's own (no object in the URL), and the lead's of the shared network
    "funnel.partner_funnel": P,
    "funnel.network_funnel": L,
    # Matching (the URL names B's draft opportunity and the ask on it)
    "matching.your_matches": Expect("business"),
    "matching.interest_in": Expect("business_object", data={"message": "Hijack"}),
    "matching.withdraw_interest": Expect("business_object"),
    "matching.offer": Expect("business_object", data={"message": "Hijack"}),
    "matching.withdraw_offer": Expect("business_object"),
    "matching.businesses_for": PO,
    "matching.interested_business": PO,
    "matching.unsubscribe": Expect("token"),
    # Support, events and VCSEs' asks (portal/support/)
    "support.partner_support": P,
    # No date: A's support for the other SME (a business of its network) would be legitimate, and its row the SME's.
    "support.new_support": Expect("partner", data={"business_id": "{business_id}", "kind": "mentoring", "hours": "1"}),
    "support.partner_events": P,
    "support.new_event": Expect("partner", data={"kind": "supplier_day", "title": "A's event"}),
    "support.event": PO,
    "support.attendance": PO,
    "support.follow_up": PO,
    "support.sent_asks": P,
    "support.sent_ask": Expect("partner_object", data={"decision": "publish"}),
    "support.accept_offer": Expect("partner_object", data={"contract_id": "{contract_id}", "measure_id": "1", "quantity": "1"}),
    "support.business_home": Expect("business"),
    "support.upcoming": Expect("business"),
    "support.register": Expect("business_object", data={"contact_name": "Hijack", "contact_email": "hijack@example.org"}),
    "support.cancel": Expect("business_object"),
    "support.business_asks_list": Expect("business"),
    "support.new_business_ask": Expect("business", data={"partner_id": "{organisation_id}", "kind": "mentoring", "title": "Hijack"}),
    "support.asks_near_you": Expect("business"),
    "support.network_figures": L,
    # Grants a partner made (portal/grants/)
    "grants.partner_grants": P,
    "grants.new_grant": Expect("partner", data={"title": "A's grant", "recipient_name": "A's recipient", "amount": "10",
                                                "awarded_on": "1 1 2026"}),
    "grants.edit_grant": Expect("partner_object", data={"title": "Hijacked", "recipient_name": "Hijack", "amount": "1",
                                                         "awarded_on": "1 1 2026"}),
    "grants.grants_360giving": P,
    "grants.import_grants": P,  # an empty post is refused (no file); the probe posts a real one
    # The official registers (shared by every network; the load page names a load, not a tenant's object)
    "registers.index": Expect("any_lead", data={"register": "companies"}),
    "registers.load": Expect("any_lead"),
    # The open API (portal/api/): a partner's tokens pages, and /api/v1 called with each role's partner's token
    "api_tokens.index": P,
    "api_tokens.new": Expect("partner", data={"name": "Matrix token", "scopes": "read"}),
    "api_tokens.revoke": PO,
    "api-docs.openapi_json": Expect("public"),
    "api_public.network_summary": Expect("public"),
    "api_spend.push_file": Expect("api"),
    "api_spend.push_lines": Expect("api"),
    "api_spend.show_import": Expect("api_object"),
    "api_spend.columns": Expect("api_object", json={"mapping": {"payment_date": "Date", "supplier_name": "Supplier Name",
                                                                "amount": "Net Amount"}}),
    "api_spend.choice": Expect("api_object", json={"choice": "replace"}),
    "api_figures.lines": Expect("api"),
    "api_figures.totals": Expect("api"),
    "api_open_data.partner_opportunities": Expect("api"),
    "api_open_data.partner_grants": Expect("api"),
    "api_public.network_opportunities": Expect("public"),
}
