"""What the registers page shows, and how an upload becomes a queued load."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import REGISTERS, RegisterLoad

# Where each file is published (all under the Open Government Licence v3.0).
SOURCES = {
    "companies": ("Companies House Free Company Data Product", "https://download.companieshouse.gov.uk/en_output.html"),
    "charities": ("Charity Commission register extract",
                  "https://register-of-charities.charitycommission.gov.uk/en/register/full-register-download"),
    "postcodes": ("ONS National Statistics Postcode Lookup (NSPL) or ONS Postcode Directory (ONSPD)",
                  "https://geoportal.statistics.gov.uk"),
    "mutuals": ("FCA Mutuals Public Register export", "https://mutuals.fca.org.uk"),
}
UPLOAD_CHUNK = 1024 * 1024


def register_dates(session: Session) -> dict[str, date | None]:
    """Each register's date, as every placement and page cites it: the publisher's date of its latest
    load that finished (the day it finished, where the publisher gave none); None: never loaded."""
    dates: dict[str, date | None] = dict.fromkeys(REGISTERS)
    for register, published_on, finished_at in session.execute(
        select(RegisterLoad.register, RegisterLoad.published_on, RegisterLoad.finished_at)
        .where(RegisterLoad.status == "loaded").order_by(RegisterLoad.finished_at, RegisterLoad.id)
    ):
        day = published_on or (finished_at.date() if finished_at else None)
        if day is not None:
            dates[register] = day
    return dates


class UploadRefused(ValueError):
    """The upload cannot be loaded (the message says why)."""


@dataclass(frozen=True)
class RegisterRow:
    register: str
    title: str
    source_url: str
    current: RegisterLoad | None  # the load now in place
    latest: RegisterLoad | None  # the newest load, whatever its status


def register_rows(session: Session) -> list[RegisterRow]:
    """Each register with the load in place (its file, date and rows) and the newest attempt."""
    out = []
    for register in REGISTERS:
        newest = select(RegisterLoad).where(RegisterLoad.register == register).order_by(RegisterLoad.id.desc()).limit(1)
        current = session.scalars(newest.where(RegisterLoad.status == "loaded")).first()
        latest = session.scalars(newest).first()
        title, url = SOURCES[register]
        out.append(RegisterRow(register, title, url, current, latest))
    return out


def uploads_dir() -> Path:
    path = Path(current_app.instance_path) / "register_uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(session: Session, user, register: str, filename: str, stream) -> tuple[RegisterLoad, Path]:
    """Copy the upload to the instance folder in chunks (never whole in memory) and record a queued load."""
    if register not in REGISTERS:
        raise UploadRefused("Choose which register the file is")
    name = Path(filename or "").name
    suffix = Path(name).suffix.lower()
    if suffix not in (".zip", ".csv", ".txt"):
        raise UploadRefused("The selected file must be a zip, CSV or text file")
    # Our own name, keeping the publisher's (it carries the file's date) after it.
    path = uploads_dir() / f"{uuid.uuid4().hex}-{''.join(c for c in name if c.isalnum() or c in '._-')[-120:]}"
    size = 0
    with open(path, "wb") as out:
        for chunk in iter(lambda: stream.read(UPLOAD_CHUNK), b""):
            size += len(chunk)
            out.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise UploadRefused("The selected file is empty")
    from .reading import date_in_name

    load = RegisterLoad(register=register, file_name=name[:300], published_on=date_in_name(name), status="queued",
                        bytes_total=size, started_by_id=user.id if user else None)
    session.add(load)
    session.flush()
    return load, path
