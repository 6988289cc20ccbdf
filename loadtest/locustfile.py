"""Load: members of a place scoring, saving drafts and opening reports, as in a busy week.

Run by `make loadtest` and `make prod-smoke` (both through scripts/prod_smoke.sh) against two
web nodes at once: LOCUST_HOSTS lists their addresses, and users are shared out among them in
turn. Each simulated user signs in as one
of the load-test respondents created by loadtest/setup.py.
"""

import itertools
import os
import re

from locust import HttpUser, between, task

PASSWORD = "integration-demo"
_numbers = itertools.count(1)
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RADIO = re.compile(r'name="(i\d+_current)" id="[^"]+" value="(\d+)"')
NODES = [node.strip() for node in os.environ.get("LOCUST_HOSTS", "").split(",") if node.strip()]


class Respondent(HttpUser):
    # People read a page before they act: 2 to 6 seconds between requests each.
    wait_time = between(2, 6)

    def on_start(self):
        number = next(_numbers)
        self.email = f"load{number:03d}@riverside.example.org"
        if NODES:  # this user's web node, for the whole of its visit
            self.client.base_url = NODES[number % len(NODES)]
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = _TOKEN.search(page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
        )
        home = self.client.get("/", name="my places")
        self.round_url = re.search(r'href="(/assessments/\d+/)">2026 Q4', home.text).group(1)
        self.report_url = re.search(r'href="(/assessments/\d+/)">2025 Q4', home.text).group(1)

    @task(4)
    def save_a_draft(self):
        form_url = self.round_url + "respond/"
        with self.client.get(form_url, name="scoring form", catch_response=True) as form:
            found = _TOKEN.search(form.text)
            if not found:
                form.failure(f"no form on the scoring page ({form.status_code})")
                return
        token = found.group(1)
        data = {"csrfmiddlewaretoken": token, "action": "save"}
        chosen = {}
        for field, value in _RADIO.findall(form.text):
            chosen.setdefault(field, value)  # the first level of each item
        data.update(chosen)
        for field in chosen:
            data[field.replace("_current", "_evidence")] = f"Load test evidence from {self.email}"
        self.client.post(self.round_url + "respond/", data, name="save draft")

    @task(2)
    def open_the_round(self):
        self.client.get(self.round_url, name="round page")

    @task(2)
    def read_the_report(self):
        self.client.get(self.report_url + "report/", name="report page")

    @task(1)
    def download_the_pdf(self):
        self.client.get(self.report_url.rstrip("/") + "/report.pdf", name="report PDF")
