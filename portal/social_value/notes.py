"""Notes on a contract: the remedies agreed and the calls made, kept as written with who and when."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Contract, ContractNote
from .problems import SocialValueProblem

LONGEST_NOTE = 5000


def add_note(session: Session, contract: Contract, text: str, written_by_id: int | None) -> ContractNote:
    """Add a note to the current partner's contract; refuses an empty or over-long one."""
    text = (text or "").strip()
    if not text:
        raise SocialValueProblem("Enter the note")
    if len(text) > LONGEST_NOTE:
        raise SocialValueProblem(f"The note must be {LONGEST_NOTE:,} characters or fewer")
    note = ContractNote(contract_id=contract.id, text=text, written_by_id=written_by_id)
    session.add(note)
    session.flush()
    return note


def notes_of(session: Session, contract_id: int) -> list[ContractNote]:
    """The contract's notes, newest first (the tenant filter applies)."""
    return list(session.scalars(select(ContractNote).where(ContractNote.contract_id == contract_id)
                                .order_by(ContractNote.written_at.desc(), ContractNote.id.desc())))
