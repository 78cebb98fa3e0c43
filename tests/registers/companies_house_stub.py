"""A stand-in for the Companies House API on 127.0.0.1, answering in the real API's JSON shapes.

Answers are scripted per path: a list is served in order (the last one repeats), so a
test can say "429, then 200". Searches are scripted per query. Every request is recorded
with its query and Authorization header.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: dict | None = None
    headers: dict = field(default_factory=dict)


@dataclass
class Seen:
    path: str
    query: dict
    authorization: str | None


class CompaniesHouseStub:
    def __init__(self):
        self.paths: dict[str, list[Answer]] = {}
        self.searches: dict[str, list[Answer]] = {}
        self.seen: list[Seen] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                stub.seen.append(Seen(parts.path, query, self.headers.get("Authorization")))
                answer = stub._answer(parts.path, query)
                payload = json.dumps(answer.body if answer.body is not None else {}).encode()
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in answer.headers.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _answer(self, path: str, query: dict) -> Answer:
        if path == "/search/companies":
            queue = self.searches.get(query.get("q", ""))
            if queue is None:
                return Answer(200, {"items": [], "kind": "search#companies", "total_results": 0})
        else:
            queue = self.paths.get(path)
            if queue is None:
                return Answer(404, {"errors": [{"error": "company-profile-not-found", "type": "ch:service"}]})
        return queue.pop(0) if len(queue) > 1 else queue[0]

    def on(self, path: str, *answers: Answer) -> None:
        self.paths[path] = list(answers)

    def on_search(self, q: str, *answers: Answer) -> None:
        self.searches[q] = list(answers)

    def searched(self) -> list[str]:
        return [s.query.get("q") for s in self.seen if s.path == "/search/companies"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def search_item(number, title, status="active", postcode="S60 1AA", company_type="ltd", snippet=None):
    """One item of GET /search/companies as the API gives it."""
    item = {
        "kind": "searchresults#company", "company_number": number, "title": title, "company_status": status,
        "company_type": company_type, "date_of_creation": "2010-04-01", "description": f"{number} - Incorporated on 1 April 2010",
        "address": {"premises": "1", "address_line_1": "High Street", "locality": "Rotherham", "postal_code": postcode},
        "address_snippet": f"1 High Street, Rotherham, {postcode}", "links": {"self": f"/company/{number}"},
        "matches": {"title": [1, len(title)]},
    }
    if snippet:
        item["snippet"] = snippet
    return item


def search_results(*items):
    return {"kind": "search#companies", "items": list(items), "items_per_page": 20, "start_index": 0,
            "total_results": len(items), "page_number": 1}


def profile(number, name, status="active", postcode="S60 1AA", accounts_type="small", company_type="ltd",
            subtype=None, previous_names=(), sic_codes=("43210",)):
    """GET /company/{number} as the API gives it."""
    body = {
        "company_number": number, "company_name": name, "company_status": status, "type": company_type,
        "jurisdiction": "england-wales", "date_of_creation": "2010-04-01", "can_file": True,
        "registered_office_address": {"address_line_1": "1 High Street", "locality": "Rotherham", "postal_code": postcode},
        "accounts": {"accounting_reference_date": {"day": "31", "month": "03"},
                     "last_accounts": {"made_up_to": "2025-03-31", "period_end_on": "2025-03-31", "type": accounts_type},
                     "next_due": "2026-12-31", "overdue": False},
        "sic_codes": list(sic_codes),
        "previous_company_names": [{"name": n, "effective_from": "2010-04-01", "ceased_on": "2015-01-01"} for n in previous_names],
        "links": {"self": f"/company/{number}"}, "etag": "x",
    }
    if subtype:
        body["subtype"] = subtype
    return body
