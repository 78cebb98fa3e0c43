"""Is the account area in the header, as GOV.UK places it: "Your account" and a "Sign out" that posts?"""
import lxml.html

from tests.test_accounts import is_signed_in


def _page(response):
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _words(element) -> str:
    return " ".join(element.text_content().split())


def test_sign_out_and_your_account_sit_in_the_header_navigation(client, make_partner, make_user, sign_in):
    sign_in(make_user(make_partner(), role="officer"), client)
    page = _page(client.get("/"))
    [nav] = page.xpath("//header//nav")
    [button] = nav.xpath(".//button[@data-testid='sign-out']")
    assert _words(button) == "Sign out"
    [form] = button.xpath("ancestor::form")
    assert form.get("method") == "post" and form.get("action") == "/sign-out"
    assert [a.get("href") for a in nav.xpath(".//a") if _words(a) == "Your account"] == ["/account"]
    # Nowhere in the page body.
    assert "Sign out" not in _words(page.xpath("//main")[0])


def test_your_account_shows_who_and_where_and_is_the_current_page(client, make_partner, make_user, sign_in):
    partner = make_partner(name="Rotherham Council")
    sign_in(make_user(partner, role="admin", name="Ada Admin", email="ada@example.org"), client)
    page = _page(client.get("/account"))
    details = _words(page.xpath("//*[@data-testid='your-account']")[0])
    assert "Ada Admin" in details and "ada@example.org" in details
    assert _words(page.xpath("//*[@data-testid='your-partners']")[0]).startswith("Rotherham Council: admin")
    assert [_words(a) for a in page.xpath("//header//a[@aria-current='page']")] == ["Your account"]
    assert page.xpath("//main//a[@href='/account/password']")


def test_the_header_button_signs_out(client, make_partner, make_user, sign_in):
    sign_in(make_user(make_partner()), client)
    assert is_signed_in(client)
    assert client.post("/sign-out").status_code == 302
    assert not is_signed_in(client)


def test_nobody_signed_in_sees_no_account_area(client):
    html = client.get("/").get_data(as_text=True)
    assert "Sign out" not in html and "Your account" not in html


def test_social_value_pages_mark_the_current_one_and_group_the_leads_pages(client, make_partner, make_user, sign_in):
    partner = make_partner()
    sign_in(make_user(partner, role="admin", lead_of=partner.network), client)
    page = _page(client.get("/social-value/contracts"))
    [nav] = page.xpath("//nav[@data-testid='social-value-navigation']")
    assert [_words(a) for a in nav.xpath(".//a[@aria-current='page']")] == ["Contracts"]
    assert "(lead)" not in _words(nav)
    assert "The network, as its lead" in _words(nav) and nav.xpath(".//a[normalize-space()='Measures catalogue']")
    targets = _page(client.get("/social-value/targets")).xpath("//nav[@data-testid='social-value-navigation']")[0]
    assert [_words(a) for a in targets.xpath(".//a[@aria-current='page']")] == ["Targets"]


def test_a_partner_who_does_not_lead_sees_no_lead_pages(client, make_partner, make_user, sign_in):
    sign_in(make_user(make_partner(), role="admin"), client)
    nav = _page(client.get("/social-value/contracts")).xpath("//nav[@data-testid='social-value-navigation']")[0]
    assert "as its lead" not in _words(nav) and not nav.xpath(".//a[normalize-space()='Measures catalogue']")
