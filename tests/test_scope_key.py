"""Where does the row-level-security scope key come from, and what does its signature bind?"""
from portal.config import load_settings
from tenants import rls


def test_the_scope_key_is_derived_from_the_secret_key_when_not_set(tmp_path, monkeypatch):
    monkeypatch.delenv("RLS_SCOPE_KEY", raising=False)
    one = load_settings({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "one"})["RLS_SCOPE_KEY"]
    again = load_settings({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "one"})["RLS_SCOPE_KEY"]
    other = load_settings({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "two"})["RLS_SCOPE_KEY"]
    assert one == again != other
    assert "one" not in one and len(one) == 64  # one way: the stored key does not give SECRET_KEY away


def test_a_scope_key_set_in_the_environment_is_used(tmp_path, monkeypatch):
    monkeypatch.setenv("RLS_SCOPE_KEY", "from the environment")
    assert load_settings({"INSTANCE_DIR": str(tmp_path), "SECRET_KEY": "x"})["RLS_SCOPE_KEY"] == "from the environment"


def test_the_signature_binds_the_ids_the_backend_and_the_transaction():
    ids = ("1,2", "", "")
    signed = rls.signature("key", ids, 4242, 1_764_000_000_000_000)
    assert signed != rls.signature("key", ("1,2,3", "", ""), 4242, 1_764_000_000_000_000)  # other ids
    assert signed != rls.signature("key", ("", "1,2", ""), 4242, 1_764_000_000_000_000)  # same ids, other list
    assert signed != rls.signature("key", ids, 4243, 1_764_000_000_000_000)  # another backend
    assert signed != rls.signature("key", ids, 4242, 1_764_000_000_000_001)  # a later transaction
    assert signed != rls.signature("other key", ids, 4242, 1_764_000_000_000_000)
