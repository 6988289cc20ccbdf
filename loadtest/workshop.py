"""Load: one workshop. Participants sign in within the first minute, then score step by step.

Run by `make capacity` (scripts/capacity.sh) with as many participants as each step asks for,
joining at an even pace over the first minute, plus one facilitator and two board members (fixed
counts, spawned first); LOCUST_HOSTS lists the web nodes, and people are shared out among them
in turn. The simulated people:

- **Participant** (one of loadtest/setup.py's load-test respondents): signs in, opens the open
  round's scoring form at its first item, then, item after item, reads the item, picks a current
  and a target level, writes a line of evidence and presses *Save and next* (the post, and the
  next item's step it leads to, are one request here, as in a browser). After the last item it
  starts again from the first: a workshop's second pass.
- **Facilitator** (the lead of Riverside): refreshes the facilitator view of the open round every
  few seconds, as a lead preparing for consensus does while answers come in.
- **BoardMember**: opens last round's report page now and then; the first of them also asks for
  its PDF once (made by the PDF worker, then served from storage).

Request names group the summary: "sign in" (Argon2, reported on its own) apart from the rest.
"""

import itertools
import os
import re

from locust import HttpUser, between, task

PASSWORD = "integration-demo"
LEAD = "priya.shah@riverside.example.org"  # seed_demo's lead of Riverside
BOARD = "board@riverside.example.org"  # seed_demo's board viewer in Riverside
SIGN_IN = "sign in"  # the one request whose time is meant to be long (a password hash)
NODES = [node.strip() for node in os.environ.get("LOCUST_HOSTS", "").split(",") if node.strip()]
_people = itertools.count(1)  # everyone, to share them out among the web nodes in turn
_participants = itertools.count(1)
_board_members = itertools.count(1)
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_REVISION = re.compile(r'name="revision" value="(\d+)"')
_ITEM = re.compile(r'name="(i\d+)_current"')
_LEVELS = re.compile(r'name="(i\d+)_current" id="[^"]+" value="(\d+)"')


def sign_in(user: HttpUser, email: str) -> str:
    """Signs in as a person does (the page, then the form) and returns the home page, on one
    web node (of LOCUST_HOSTS) for the whole visit."""
    if NODES:
        user.client.base_url = NODES[next(_people) % len(NODES)]
    page = user.client.get("/accounts/login/", name="sign-in page")
    token = _TOKEN.search(page.text).group(1)
    form = {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": token}
    user.client.post("/accounts/login/", form, name=SIGN_IN)
    return user.client.get("/", name="my places").text


def round_link(home: str, period: str) -> str:
    return re.search(rf'href="(/assessments/\d+/)">{period}', home).group(1)


class Participant(HttpUser):
    # Reading an item, choosing two levels and writing a line of evidence: 5 to 15 seconds, a
    # brisk workshop (a real one gives an item a minute or more).
    wait_time = between(5, 15)
    weight = 1

    def on_start(self):
        number = next(_participants)
        self.email = f"load{number:03d}@riverside.example.org"
        self.form_url = round_link(sign_in(self, self.email), "2026 Q4") + "respond/"
        self.page = self.client.get(self.form_url + "?item=1", name="scoring step").text
        self.position = 1

    @task
    def save_and_next(self):
        """Answers the item on the page and saves it; the answer leads to the next item."""
        token, item = _TOKEN.search(self.page), _ITEM.search(self.page)
        if not (token and item):  # the last step leads to the review page: start again
            self.position = 1
            self.page = self.client.get(self.form_url + "?item=1", name="scoring step").text
            return
        prefix = item.group(1)
        levels = [value for name, value in _LEVELS.findall(self.page) if name == prefix]
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "revision": _REVISION.search(self.page).group(1),
            "step": "next",
            f"{prefix}_current": levels[len(levels) // 2],
            f"{prefix}_evidence": f"Workshop evidence from {self.email}, item {self.position}",
            f"{prefix}_confidence": "",
        }
        if f'name="{prefix}_target"' in self.page:
            data[f"{prefix}_target"] = levels[-1]
        url = f"{self.form_url}?item={self.position}"
        with self.client.post(url, data, name="save and next", catch_response=True) as answer:
            if answer.status_code != 200 or "Draft saved" not in answer.text:
                answer.failure(f"the step was not saved ({answer.status_code})")
        self.page = answer.text
        self.position += 1


class Facilitator(HttpUser):
    """The lead, watching answers come in on the facilitator view."""

    wait_time = between(4, 6)
    fixed_count = 1

    def on_start(self):
        self.view_url = round_link(sign_in(self, LEAD), "2026 Q4") + "consensus/"

    @task
    def refresh(self):
        self.client.get(self.view_url, name="facilitator view")


class BoardMember(HttpUser):
    """A board member reading last round's report between other work."""

    wait_time = between(10, 20)
    fixed_count = 2

    def on_start(self):
        self.report_url = round_link(sign_in(self, BOARD), "2025 Q4") + "report/"
        self.wants_pdf = next(_board_members) == 1

    @task
    def read_the_report(self):
        self.client.get(self.report_url, name="report page")
        if self.wants_pdf:  # asked once; the preparing page (202) while the worker renders it
            self.wants_pdf = False
            self.client.get(self.report_url.rstrip("/") + ".pdf", name="report PDF (asked once)")
