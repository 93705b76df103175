"""Sign-in with an OpenID provider in the browser, against a provider that is not ours.

The provider is panva's ``oidc-provider`` (npm, certified by the OpenID Foundation), installed by
this module into ``tests/oidc_provider/node_modules`` with ``npm ci`` when missing and started with
node on a free port. The client authenticates with ``private_key_jwt`` (an EC key made here).

The provider sits behind a small intercepting proxy of this module on its issuer's port: it passes
every request through, and on request flips one byte of the signature of the ID token the token
endpoint answers (a tampered token). An expired token is the provider's own, checked an hour and
more after it was issued by moving the application's ID-token clock (``oidc.now``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from joserfc.jwk import ECKey

from mpp.accounts import oidc
from mpp.accounts.models import OidcIdentity, User
from mpp.accounts.tests.factories import CITIZEN_NIK, PASSWORD, CitizenFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc_provider"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Headers of one connection only, never passed through by the proxy.
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


def _flip_signature_byte(id_token: str) -> str:
    header, payload, signature = id_token.split(".")
    position = len(signature) // 2  # inside the signature, away from the padding bits
    flipped = "A" if signature[position] != "A" else "B"
    return ".".join([header, payload, signature[:position] + flipped + signature[position + 1 :]])


def _proxy(port: int, upstream: str, tamper: dict[str, bool]) -> ThreadingHTTPServer:
    """An HTTP proxy on ``port`` in front of the provider at ``upstream``."""

    class Handler(BaseHTTPRequestHandler):
        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = [(k, v) for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP]
            answer = httpx.request(
                self.command, upstream + self.path, headers=headers, content=body, timeout=10
            )
            content = answer.content
            if self.path.startswith("/token") and tamper["id_token"] and answer.is_success:
                tokens = answer.json()
                tokens["id_token"] = _flip_signature_byte(tokens["id_token"])
                content = json.dumps(tokens).encode()
            self.send_response(answer.status_code)
            for name, value in answer.headers.multi_items():
                if name.lower() not in HOP_BY_HOP:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The running provider: its issuer and the client's private key file."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("the OpenID provider of the browser tests needs node and npm (Node.js 20+)")
    # One installer at a time: pytest-xdist workers each reach this fixture.
    with open(PROVIDER_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
            subprocess.run(  # noqa: S603 (npm found on PATH, fixed arguments)
                [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PROVIDER_DIR)],
                check=True,
                timeout=300,
            )
    key = ECKey.generate_key("P-256", parameters={"kid": "mpp-uji"})
    key_file = tmp_path_factory.mktemp("oidc") / "klien.pem"
    key_file.write_bytes(key.as_pem(private=True))
    port, listen_port = _free_port(), _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORT": str(port),
        "LISTEN_PORT": str(listen_port),
        "REDIRECT_URI": f"{live_server.url}/akun/masuk/oidc/callback/",
        "CLIENT_JWKS": json.dumps({"keys": [key.as_dict(private=False)]}),
    }
    process = subprocess.Popen(  # noqa: S603 (node found on PATH, fixed arguments)
        [node, "server.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tamper = {"id_token": False}
    proxy = _proxy(port, f"http://127.0.0.1:{listen_port}", tamper)
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{issuer}/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the OpenID provider did not start")
        yield {"issuer": issuer, "key_file": str(key_file), "tamper": tamper}
    finally:
        proxy.shutdown()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def inapas(oidc_provider, live_server, settings):
    settings.MPP_OIDC_ISSUER = oidc_provider["issuer"]
    settings.MPP_OIDC_CLIENT_ID = "mpp-digital"
    settings.MPP_OIDC_CLIENT_SECRET = ""
    settings.MPP_OIDC_PRIVATE_KEY_FILE = oidc_provider["key_file"]
    settings.MPP_PUBLIC_BASE_URL = live_server.url
    return oidc_provider


def provider_page(page, audit) -> None:
    """The provider's own pages are not ours: axe runs on them, its findings are not asserted."""
    page.wait_for_load_state("load")
    audit.violations(page)


def click_inapas(page, audit) -> None:
    page.goto("/akun/masuk/")
    audit(page)
    page.get_by_role("button", name="Masuk dengan INApas").click()


def sign_in_at_provider(page, audit, login: str) -> None:
    """oidc-provider's development login form, then its consent page."""
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/interaction/"))
    provider_page(page, audit)
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("apa-saja")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    if "/interaction/" in page.url:  # consent, asked once per person
        provider_page(page, audit)
        page.locator("button[type=submit]").click()


def test_first_sign_in_with_private_key_jwt_creates_a_verified_account(page, audit, inapas):
    click_inapas(page, audit)
    sign_in_at_provider(page, audit, "ani")
    page.wait_for_url(re.compile(r"/akun/masuk/oidc/lanjut/$"))
    audit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Buat akun dengan identitas digital"
    page.get_by_role("button", name="Buat akun dan masuk").click()
    audit(page)
    assert "Setujui pemberitahuan privasi" in page.locator(".error-summary").inner_text()
    page.get_by_label("Saya telah membaca pemberitahuan privasi").check()
    page.get_by_role("button", name="Buat akun dan masuk").click()
    page.wait_for_url(re.compile(r"/permohonan/$"))
    audit(page)
    user = User.objects.get(nik="3471014101000001")
    assert user.name == "Ani Lestari"
    assert OidcIdentity.objects.get(user=user).created_account

    page.goto("/akun/profil/")
    audit(page)
    assert page.get_by_text("identitas terverifikasi (INApas)").is_visible()
    # Signing out ends the session here (the provider's own session is the provider's).
    page.get_by_role("button", name="Keluar").first.click()
    page.wait_for_url(re.compile(r"/$"))
    audit(page)
    page.goto("/akun/profil/")
    page.wait_for_url(re.compile(r"/akun/masuk/"))
    audit(page)


def test_existing_account_is_linked_after_the_password_check(page, audit, inapas):
    owner = CitizenFactory(name="Budi Santoso")
    click_inapas(page, audit)
    sign_in_at_provider(page, audit, "budi")
    page.wait_for_url(re.compile(r"/akun/masuk/oidc/lanjut/$"))
    audit(page)
    assert "2171********0003" in page.locator("main").inner_text()
    assert CITIZEN_NIK not in page.content()

    page.get_by_label("Kata sandi akun MPP Digital").fill("bukan-sandinya")
    page.get_by_role("button", name="Tautkan dan masuk").click()
    audit(page)
    assert "Kata sandi salah" in page.locator(".error-summary").inner_text()
    assert not OidcIdentity.objects.exists()

    page.get_by_label("Kata sandi akun MPP Digital").fill(PASSWORD)
    page.get_by_role("button", name="Tautkan dan masuk").click()
    page.wait_for_url(re.compile(r"/permohonan/$"))
    audit(page)
    assert OidcIdentity.objects.get(user=owner).subject == "budi"


def _authorization_request_changed(page, change) -> None:
    """Send the browser to the provider with the authorization request's query changed by
    ``change`` (Playwright routes the first request of a redirect chain only: the button's POST,
    whose answer is fetched here and its Location rewritten)."""

    def handle(route):
        response = route.fetch(max_redirects=0)
        url = urlparse(response.headers["location"])
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        location = url._replace(query=urlencode(change(query))).geturl()
        route.fulfill(response=response, headers={**response.headers, "location": location})

    page.route(re.compile(r"/akun/masuk/oidc/$"), handle)


def assert_refused(page, audit, inapas, message: str) -> None:
    """Budi (an account linked to the provider) signs in there and is brought back to the sign-in
    page with ``message``, not signed in."""
    OidcIdentity.objects.create(
        user=CitizenFactory.create(), issuer=inapas["issuer"], subject="budi"
    )
    click_inapas(page, audit)
    sign_in_at_provider(page, audit, "budi")
    page.wait_for_url(re.compile(r"/akun/masuk/$"))
    audit(page)
    assert message in page.locator("main").inner_text()
    page.goto("/akun/profil/")
    page.wait_for_url(re.compile(r"/akun/masuk/"))
    audit(page)


def test_wrong_state_is_refused(page, audit, inapas):
    # The provider is asked with another state than the one this browser's session holds, and
    # answers with it, as a forged answer would.
    _authorization_request_changed(page, lambda q: {**q, "state": "state-lain"})
    assert_refused(page, audit, inapas, "tidak dimulai dari peramban ini")


def test_replayed_nonce_is_refused(page, audit, inapas):
    OidcIdentity.objects.create(user=CitizenFactory(), issuer=inapas["issuer"], subject="budi")
    nonces: list[str] = []
    page.on(
        "request",
        lambda request: (
            nonces.extend(parse_qs(urlparse(request.url).query).get("nonce", []))
            if "/auth?" in request.url
            else None
        ),
    )
    click_inapas(page, audit)
    sign_in_at_provider(page, audit, "budi")
    page.wait_for_url(re.compile(r"/permohonan/$"))
    audit(page)
    page.get_by_role("button", name="Keluar").first.click()
    page.wait_for_url(re.compile(r"/$"))
    audit(page)

    # The next sign-in asks the provider for an ID token with the nonce already spent.
    used = nonces[0]
    _authorization_request_changed(page, lambda q: {**q, "nonce": used})
    click_inapas(page, audit)
    page.wait_for_url(re.compile(r"/akun/masuk/$"))  # still signed in at the provider
    audit(page)
    assert "sudah pernah dipakai" in page.locator("main").inner_text()
    page.goto("/akun/profil/")
    page.wait_for_url(re.compile(r"/akun/masuk/"))
    audit(page)


@pytest.fixture
def tampering(inapas):
    inapas["tamper"]["id_token"] = True
    yield
    inapas["tamper"]["id_token"] = False


def test_a_tampered_id_token_is_refused(page, audit, inapas, tampering):
    assert_refused(page, audit, inapas, "tidak dapat dipastikan keasliannya")


def test_an_expired_id_token_is_refused(page, audit, inapas, monkeypatch):
    # The provider's ID tokens live an hour: checked two hours on, this one has expired.
    monkeypatch.setattr(oidc, "now", lambda: int(time.time()) + 2 * 3600)
    assert_refused(page, audit, inapas, "sudah kedaluwarsa")
