"""The people of a network in the week before a scrutiny meeting, for locust.

Officers read their dashboard and lines and now and then import a small file;
leads read the network pages; SMEs read their profile, their matches and the
opportunities; the public reads the summary. Accounts come from
``LOAD_ACCOUNTS`` (a JSON file written by ``bench/load_test.py``).
"""
from __future__ import annotations

import json
import os
import random
import re
import uuid
from datetime import date

from locust import HttpUser, between, task

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())
PASSWORD = ACCOUNTS["password"]
# Seconds between a session's pages (bench/load_test.py --think): a person reads a page before the next.
THINK = tuple(float(part) for part in os.environ.get("LOAD_THINK", "5,15").split(","))
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SELECTED = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_SELECTED = re.compile(r'<option[^>]*value="([^"]*)"[^>]*selected')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    return match.group(1) if match else ""


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(*THINK)
    kind = ""

    def on_start(self):
        self.account = random.choice(ACCOUNTS[self.kind])
        page = self.client.get("/sign-in", name="/sign-in").text
        with self.client.post(
            "/sign-in",
            data={"csrf_token": csrf_of(page), "email": self.account["email"], "password": PASSWORD},
            name="/sign-in [POST]",
            catch_response=True,
        ) as response:
            # A refused sign-in answers 200 with the form again: every page after it would
            # only be the sign-in page, so it must count as a failure.
            if "/sign-in" in response.url:
                response.failure("sign-in refused")


class Officer(SignedIn):
    weight = 5
    kind = "officers"

    @task(6)
    def dashboard(self):
        self.client.get("/spend", name="/spend (dashboard)")

    @task(3)
    def lines(self):
        self.client.get(f"/spend/lines?page={random.randint(1, 20)}", name="/spend/lines")

    @task(2)
    def social_value(self):
        self.client.get("/social-value/contracts", name="/social-value/contracts")
        self.client.get("/social-value/report", name="/social-value/report")

    @task(1)
    def opportunities(self):
        self.client.get("/partner/opportunities", name="/partner/opportunities")

    @task(1)
    def import_a_small_file(self):
        page = self.client.get("/spend/imports", name="/spend/imports").text
        if not csrf_of(page):
            return  # the page itself failed, and locust counted that
        tag = uuid.uuid4().hex[:10]
        rows = ["Date,Transaction Number,Supplier Name,Supplier Postcode,Net Amount"]
        for n in range(50):
            day = date(2025, random.randint(1, 12), random.randint(1, 28)).strftime("%d/%m/%Y")
            rows.append(f"{day},LOAD-{tag}-{n},Load Test Supplier {n % 7} Ltd,S60 1AA,{random.randint(1, 99999) / 100:.2f}")
        response = self.client.post(
            "/spend/imports",
            data={"csrf_token": csrf_of(page)},
            files={"spend_file": (f"load-{tag}.csv", "\n".join(rows).encode(), "text/csv")},
            name="/spend/imports [upload]",
        )
        if "/columns" not in response.url:
            return
        form = {"csrf_token": csrf_of(response.text)}
        for name, options in SELECTED.findall(response.text):
            chosen = OPTION_SELECTED.search(options)
            form[name] = chosen.group(1) if chosen else ""
        self.client.post(response.url, data=form, name="/spend/imports/[id]/columns [confirm]")


class Lead(SignedIn):
    weight = 1
    kind = "leads"

    @task(3)
    def network(self):
        self.client.get(f"/network/{self.account['network_id']}", name="/network/[id]")

    @task(1)
    def suppliers(self):
        self.client.get(f"/network/{self.account['network_id']}/suppliers", name="/network/[id]/suppliers")

    @task(1)
    def report(self):
        self.client.get(f"/network/{self.account['network_id']}/social-value-report", name="/network/[id]/social-value-report")

    @task(1)
    def gaps(self):
        self.client.get(f"/network/{self.account['network_id']}/local-market-gaps", name="/network/[id]/local-market-gaps")


class Sme(SignedIn):
    weight = 3
    kind = "smes"

    @task(3)
    def matches(self):
        self.client.get("/matches", name="/matches")

    @task(2)
    def profile(self):
        self.client.get("/profile", name="/profile")

    @task(3)
    def opportunities(self):
        self.client.get("/opportunities", name="/opportunities")


class Public(HttpUser):
    weight = 1
    wait_time = between(*THINK)

    @task
    def summary(self):
        self.client.get(f"/networks/{ACCOUNTS['network_slug']}", name="/networks/[slug]")

    @task
    def opportunities(self):
        self.client.get("/opportunities", name="/opportunities")
