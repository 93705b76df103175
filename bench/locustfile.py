"""Locust users of the mixed load test (run by ``bench/mixed_load.py``, not on their own).

The mix, by share of simulated people (``weight``), and inside each by share of their requests:

| people | share | what they do (task weight) |
| --- | --- | --- |
| visitors (anonymous) | 34 % | home 4, search 4, read a service standard 6, service list 2, MPP list 1 |
| SKM kiosk tablets (at an MPP's exit) | 5 % | a visitor rates the service: the form, the answer (POST, a new response), the thank-you page (3 requests); each tablet a kiosk of its own, one visitor per kiosk interval (20 s) |
| citizens (signed in) | 20 % | their list 4, track one application 4, apply with an upload (API: draft, 1 PDF per file field, submit: 6 requests) 1 |
| officers (signed in, 2FA) | 15 % | inbox 5, open an application 3, claim a submitted application (detail + POST) 1 |
| API clients | 15 % | services of a kab/kota 3, one service 2, a citizen's applications 2 |
| people with a complaint | 4 % | follow one by its link 4, the public complaints list 2, file one with the mobile app (API) 1, file one through a partner app (Open311 POST) 1 |
| complaint desk (signed in, 2FA) | 1 % | inbox 3, open a complaint 2 |
| queue hall devices at MPP Kota Batam (kiosk and display) | 3 % | take a walk-in number at the kiosk (POST, then the receipt) 3, the kiosk's start page 1, the hall display's poll with its ETag (304 until a new call) |
| counter officers of Disdukcapil Batam (2FA) | 3 % | serve one citizen: console, call next (POST), console, start (POST), finish (POST) 1 |

Visitors were 50 % before the processes of issue 17 joined the mix; each took its share from them:
the SKM kiosks 5 % (the people who rate a service at the tablet are visitors of the MPP), the
complaint classes 5 %, the queue 6 %. Each Open311 POST comes from an address of its own, as from
many partner servers. The queue kiosk answers 409 when the MPP is closed or the slot's numbers are
gone (it shows that message, as a real kiosk does): counted as answered, not as an error;
``mixed_load.py`` raises the walk-in quotas of the kiosk's services for the run and tops up the
counters' lines, so call-next has a citizen waiting (the generated line is of the data set's day).

Each simulated person is one keep-alive connection that sends its next request as soon as the
last one is answered (no think time unless ``BENCH_THINK_SECONDS`` gives a maximum, e.g. ``2``),
so the number of people is the concurrency, as with ``wrk -c``; throughput grows with it until
the server saturates. ``HealthUser`` (``/healthz``, one query) is the ceiling
measured in the same run. Sessions, tokens and ids come from the JSON file named in
``BENCH_LOAD_FIXTURE`` (written by ``mixed_load.py`` after signing in).
"""

from __future__ import annotations

import json
import os
import random
import re
import threading

from locust import FastHttpUser, between, constant_pacing, task

FIXTURE = json.loads(open(os.environ["BENCH_LOAD_FIXTURE"]).read())  # noqa: SIM115
SEARCHES = ["akta kelahiran", "kartu keluarga", "sip dokter", "ktp", "paspor", "pindah", "bpjs"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
SERVICE = re.compile(r'name="service" value="(\d+)"')
THINK = between(0, float(os.environ.get("BENCH_THINK_SECONDS", "0")))
_claimable = list(FIXTURE["claimable"])
_lock = threading.Lock()


def _pick(key: str):
    return random.choice(FIXTURE[key])  # noqa: S311


class BenchUser(FastHttpUser):
    """Each simulated person comes from an address of its own, as the reverse proxy reports it
    (``X-Forwarded-For``; the bench server trusts 127.0.0.1 as its proxy), so that per-address
    limits apply per person and not to the whole test."""

    abstract = True
    wait_time = THINK

    def on_start(self):
        self.ip = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311

    def headers(self, extra: dict | None = None) -> dict:
        return {"X-Forwarded-For": self.ip, **(extra or {})}


class HealthUser(FastHttpUser):
    """The one-query ceiling: ``/healthz`` without think time."""

    wait_time = between(0, 0)

    @task
    def health(self):
        self.client.get("/healthz", name="/healthz")


class Visitor(BenchUser):
    weight = 34
    wait_time = THINK

    @task(4)
    def home(self):
        self.client.get("/", headers=self.headers(), name="home")

    @task(4)
    def search(self):
        query = random.choice(SEARCHES)  # noqa: S311
        self.client.get("/cari/", params={"q": query}, headers=self.headers(), name="search")

    @task(6)
    def standard(self):
        self.client.get(
            f"/layanan/{_pick('services')}/", headers=self.headers(), name="service page"
        )

    @task(2)
    def service_list(self):
        self.client.get("/layanan/", headers=self.headers(), name="service list")

    @task(1)
    def mpp_list(self):
        self.client.get("/mpp/", headers=self.headers(), name="MPP list")


class Citizen(BenchUser):
    weight = 20
    wait_time = THINK

    def on_start(self):
        super().on_start()
        self.session = _pick("citizens")

    @task(4)
    def my_list(self):
        self.client.get(
            "/permohonan/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="citizen list",
        )

    @task(4)
    def track(self):
        pk = random.choice(self.session["applications"])  # noqa: S311
        self.client.get(
            f"/permohonan/{pk}/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="track",
        )

    @task(1)
    def apply_with_upload(self):
        auth = {"Authorization": f"Bearer {self.session['token']}"}
        apply = FIXTURE["apply"]
        with self.client.post(
            "/api/v1/applications",
            json={"service": apply["service"], "data": apply["data"]},
            headers=self.headers(auth),
            name="apply: create draft (API)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")
                return
            pk = response.json()["id"]
        for field in apply["files"]:
            self.client.post(
                f"/api/v1/applications/{pk}/documents",
                data={"field": field},
                files={"file": ("dokumen.pdf", FIXTURE_PDF, "application/pdf")},
                headers=self.headers(auth),
                name="apply: upload (API)",
            )
        self.client.post(
            f"/api/v1/applications/{pk}/submit",
            headers=self.headers(auth),
            name="apply: submit (API)",
        )


class Officer(BenchUser):
    weight = 15
    wait_time = THINK

    def on_start(self):
        super().on_start()
        self.session = _pick("officers")

    @task(5)
    def inbox(self):
        self.client.get(
            "/kelola/permohonan/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="officer inbox",
        )

    @task(3)
    def open_one(self):
        pk = _pick("unit_applications")
        self.client.get(
            f"/kelola/permohonan/{pk}/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="officer detail",
        )

    @task(1)
    def claim(self):
        with _lock:
            if not _claimable:
                return
            pk = _claimable.pop()
        headers = {"Cookie": self.session["cookie"]}
        page = self.client.get(
            f"/kelola/permohonan/{pk}/", headers=self.headers(headers), name="officer detail"
        )
        token, version = CSRF.search(page.text or ""), VERSION.search(page.text or "")
        if not token or not version:
            return
        self.client.post(
            f"/kelola/permohonan/{pk}/tindakan/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "action": "claim",
                "version": version.group(1),
            },
            headers=self.headers({**headers, "Referer": f"{self.host}/kelola/permohonan/{pk}/"}),
            name="officer action (claim)",
            allow_redirects=False,
        )


class ApiClient(BenchUser):
    weight = 15
    wait_time = THINK

    @task(3)
    def services(self):
        self.client.get(
            "/api/v1/services",
            params={"region": _pick("regions")},
            headers=self.headers(),
            name="API services",
        )

    @task(2)
    def service(self):
        self.client.get(
            f"/api/v1/services/{_pick('services')}", headers=self.headers(), name="API service"
        )

    @task(2)
    def applications(self):
        token = _pick("citizens")["token"]
        self.client.get(
            "/api/v1/applications",
            headers=self.headers({"Authorization": f"Bearer {token}"}),
            name="API applications",
        )


# Where this run's tablets start in the list of kiosks: ``mixed_load.py`` moves it on from one
# Locust run to the next, so a run's first answer never follows the last run's on the same kiosk
# within the kiosk's interval (the product would refuse it, 429).
_kiosks = iter(range(int(os.environ.get("BENCH_KIOSK_OFFSET", "0")), 10**9))


class SurveyKiosk(BenchUser):
    """An SKM tablet of an MPP (signed in with its device token: the ``mpp_device`` cookie); each
    task is one visitor answering the nine elements, as the tablet sends it. Each simulated tablet
    is a kiosk of its own and takes one visitor per the kiosk's interval at most: a tablet serves
    one person at a time, and the product refuses (429) an answer sooner than the interval after
    the last one, which the earlier mix (every tablet on the demo kiosk, no pause) ran into."""

    weight = 5
    wait_time = constant_pacing(FIXTURE.get("kiosk_interval", 20) + 1)

    def on_start(self):
        super().on_start()
        with _lock:
            self.cookie = FIXTURE["kiosks"][next(_kiosks) % len(FIXTURE["kiosks"])]

    @task
    def answer(self):
        headers = {"Cookie": self.cookie}
        page = self.client.get("/skm/kios/", headers=self.headers(headers), name="SKM kiosk form")
        token, service = CSRF.search(page.text or ""), SERVICE.search(page.text or "")
        if not token or not service:
            return
        # Mostly 3 and 4 (an IKM in the low 80s), now and then a 2.
        answers = {
            f"U{n}": random.choices("234", weights=(1, 5, 4))[0]  # noqa: S311
            for n in range(1, 10)
        }
        with self.client.post(
            "/skm/kios/",
            data={
                "csrfmiddlewaretoken": token.group(1),
                "service": service.group(1),
                **answers,
                "suggestion": "",
                "age_band": "30_39",
                "sex": random.choice("lp"),  # noqa: S311
                "education": "sma",
                "occupation": "swasta",
            },
            headers=self.headers({**headers, "Referer": f"{self.host}/skm/kios/"}),
            name="SKM kiosk answer (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
                return
        self.client.get(
            f"/skm/kios/terima-kasih/?layanan={service.group(1)}",
            headers=self.headers(headers),
            name="SKM kiosk thanks",
        )


class ComplaintCitizen(BenchUser):
    """Someone with a complaint: follows one by its link, reads the public list, files one."""

    weight = 4
    wait_time = THINK

    @task(4)
    def follow(self):
        self.client.get(
            f"/pengaduan/lacak/{_pick('follow_tokens')}/",
            headers=self.headers(),
            name="complaint: follow",
        )

    @task(2)
    def public_list(self):
        self.client.get("/pengaduan/", headers=self.headers(), name="complaint: public list")

    @task(1)
    def file_with_app(self):
        token = _pick("citizens")["token"]
        with self.client.post(
            "/api/v1/complaints",
            json=FIXTURE["complaint"]["api"],
            headers=self.headers({"Authorization": f"Bearer {token}"}),
            name="complaint: file (API)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")

    @task(1)
    def file_with_partner_app(self):
        partner = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"  # noqa: S311
        with self.client.post(
            "/open311/v2/requests.json",
            data=FIXTURE["complaint"]["open311"],
            headers={"X-Forwarded-For": partner},
            name="complaint: file (Open311 POST)",
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}")


class ComplaintDesk(BenchUser):
    """The complaint desk of MPP Kota Batam: the inbox and one complaint."""

    weight = 1
    wait_time = THINK

    def on_start(self):
        super().on_start()
        self.session = _pick("desks")

    @task(3)
    def inbox(self):
        self.client.get(
            "/kelola/pengaduan/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="complaint desk inbox",
        )

    @task(2)
    def open_one(self):
        self.client.get(
            f"/kelola/pengaduan/{_pick('desk_complaints')}/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="complaint desk detail",
        )


TICKET = re.compile(r'name="ticket" value="(\d+)"')
_counters = list(FIXTURE["queue"]["counters"])


def _csrf_of(cookie: str) -> str:
    return next(
        part.split("=", 1)[1] for part in cookie.split("; ") if part.startswith("csrftoken=")
    )


class QueueKiosk(BenchUser):
    """The hall of MPP Kota Batam: the registered kiosk (its signed cookie) and the display."""

    weight = 3
    wait_time = THINK

    def on_start(self):
        super().on_start()
        self.cookie = FIXTURE["queue"]["kiosk_cookie"]
        self.csrf = _csrf_of(self.cookie)
        self.etag = None

    @task(3)
    def take_number(self):
        with self.client.post(
            "/antrean/anjungan/ambil/",
            data={"csrfmiddlewaretoken": self.csrf, "queue": _pick_queue(), "priority_group": ""},
            headers=self.headers({"Cookie": self.cookie}),
            name="queue: kiosk take a number (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 409:  # closed now, or this slot's numbers are gone
                response.success()
                return
            if response.status_code != 302:
                response.failure(f"{response.status_code}")
                return
            location = response.headers.get("Location", "")
        self.client.get(
            location, headers=self.headers({"Cookie": self.cookie}), name="queue: kiosk receipt"
        )

    @task(1)
    def start_page(self):
        self.client.get(
            "/antrean/anjungan/",
            headers=self.headers({"Cookie": self.cookie}),
            name="queue: kiosk page",
        )

    @task(4)
    def display(self):
        extra = {"If-None-Match": self.etag} if self.etag else {}
        with self.client.get(
            f"/antrean/layar/{FIXTURE['queue']['display']}/panggilan/",
            headers=self.headers(extra),
            name="queue: hall display poll",
            catch_response=True,
        ) as response:
            if response.status_code in (200, 304):
                self.etag = response.headers.get("ETag") or self.etag
                response.success()


def _pick_queue() -> str:
    return str(random.choice(FIXTURE["queue"]["kiosk_queues"]))  # noqa: S311


class CounterOfficer(BenchUser):
    """An officer of Disdukcapil Batam at a counter of their own: call next, start, finish."""

    weight = 3
    wait_time = THINK

    def on_start(self):
        super().on_start()
        self.session = _pick("officers")
        self.csrf = _csrf_of(self.session["cookie"])
        with _lock:
            self.counter = _counters.pop(0)
            _counters.append(self.counter)

    def post(self, action: str, name: str, ticket: str | None = None):
        data = {"csrfmiddlewaretoken": self.csrf, "action": action}
        if ticket:
            data["ticket"] = ticket
        return self.client.post(
            f"/kelola/antrean/loket/{self.counter}/tindakan/",
            data=data,
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name=name,
            allow_redirects=False,
        )

    def console(self) -> str | None:
        page = self.client.get(
            f"/kelola/antrean/loket/{self.counter}/",
            headers=self.headers({"Cookie": self.session["cookie"]}),
            name="queue: counter console",
        )
        text = page.text or ""
        if 'value="call_next"' in text:
            return None  # no current ticket (the first ticket field is then a skipped one's)
        found = TICKET.search(text)
        return found.group(1) if found else None

    @task
    def serve_one(self):
        ticket = self.console()
        if ticket is None:
            self.post("call_next", "queue: call next (POST)")
            ticket = self.console()
            if ticket is None:
                return  # nobody waiting for this counter
        self.post("start", "queue: start (POST)", ticket)
        self.post("finish", "queue: finish (POST)", ticket)


FIXTURE_PDF = bytes.fromhex(FIXTURE["pdf_hex"])
