"""Cross-tenant probes for the audit log page."""
from .world import World


def probe_audit_log(w: World):
    client = w.sign_in(w.a_admin)
    # Partner A's admin invites someone, so A's log has an event to show.
    client.post("/people/invite", data={"name": "New", "email": "new@a.org", "role": "viewer"})
    page = client.get("/audit-log").get_data(as_text=True)
    assert "new@a.org" in page
    # Partner B's invitation (made in the world) is in B's log only.
    assert "invitee@b.org" not in page and "Invitee of B" not in page
    # Asking for B's admin by id shows nothing of theirs: they are not in A's log.
    filtered = client.get(f"/audit-log?person={w.b_admin.id}")
    assert filtered.status_code == 400 and "invitee@b.org" not in filtered.get_data(as_text=True)
    # B's admin sees B's log, not A's.
    b_page = w.sign_in(w.b_admin).get("/audit-log").get_data(as_text=True)
    assert "invitee@b.org" in b_page and "new@a.org" not in b_page
    # Only admins read the log; the other network's lead is nobody's admin here.
    assert w.sign_in(w.a_officer).get("/audit-log").status_code == 403
    assert "invitee@b.org" not in w.sign_in(w.other_lead).get("/audit-log").get_data(as_text=True)


PROBES = {"audit.log": probe_audit_log}
