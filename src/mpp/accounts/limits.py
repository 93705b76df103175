"""Rate limits per purpose, counted by django-ratelimit in the Django cache (Redis in production).

One table (``PURPOSES``, overridable per purpose through ``settings.MPP_RATE_LIMITS``) says, for
each purpose, how many requests (or failures, where failures are the signal) one client address and
one identifier may make in a window. An address over its rate gets a challenge it can pass (web) or
a 429 problem (API); an identifier over its rate is refused with a message saying when to try again,
except for sign-in, where a flood on one account from many addresses is a challenge too, so that a
stranger can never keep the owner out. Addresses inside an MPP's registered networks
(``tenancy.MppNetwork``) get ``MPP_RATE_LIMIT_MPP_FACTOR`` times the address rate. See
docs/limits.md.

Identifiers are counted under their keyed digest: the cache never holds a NIK, an email address, a
phone number or a tracking number.
"""

from __future__ import annotations

import ipaddress
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage

from mpp.accounts.nik import nik_digest

ADDRESS = "address"
KEY = "key"
CHALLENGE = "challenge"
REFUSE = "refuse"


@dataclass(frozen=True)
class Purpose:
    name: str
    per_address: str | None  # django-ratelimit rate ("30/10m"); over it: a challenge
    per_key: str | None  # per identifier, destination or tracking number
    failures_only: bool = False  # count only what the view or service records as a failure
    key_over: str = REFUSE  # what an identifier over its rate gets: REFUSE or CHALLENGE


# The one table. Windows of ten minutes unless said; rates per address are generous enough for a
# family at home and, multiplied, for an MPP's hall (MPP_RATE_LIMIT_MPP_FACTOR).
PURPOSES: dict[str, Purpose] = {
    purpose.name: purpose
    for purpose in (
        # Failed sign-ins; one account + one address is django-axes' lockout (AXES_*), these are
        # the wider nets: one address trying many accounts, one account tried from many addresses.
        Purpose("login", "30/10m", "20/10m", failures_only=True, key_over=CHALLENGE),
        Purpose("register", "10/10m", "3/10m"),  # per NIK and per email address
        Purpose("password_reset", "10/10m", "3/10m"),  # per email address
        Purpose("guest_code", "10/10m", "3/h"),  # per destination phone number or email address
        Purpose("tracking", "20/10m", "5/10m", failures_only=True),  # wrong tries per number
        Purpose("complaint", "10/10m", None),  # guest complaints submitted
        Purpose("post", "30/10m", "10/10m"),  # every other anonymous POST (web and API)
        Purpose("challenge", "30/10m", None, failures_only=True),  # wrong challenge answers
    )
}


def purpose(name: str) -> Purpose:
    """The purpose's rates, with the deployment's overrides (``MPP_RATE_LIMITS``) applied."""
    base = PURPOSES[name]
    override = getattr(settings, "MPP_RATE_LIMITS", {}).get(name) or {}
    return replace(
        base,
        per_address=override.get(ADDRESS, base.per_address),
        per_key=override.get(KEY, base.per_key),
    )


@dataclass(frozen=True)
class Verdict:
    """A limit reached: which purpose, on the address or on the key, and when it frees up."""

    purpose: str
    scope: str  # ADDRESS or KEY
    action: str  # CHALLENGE or REFUSE
    retry_after: int  # seconds

    @property
    def until(self) -> datetime:
        return timezone.localtime(timezone.now() + timedelta(seconds=self.retry_after))


def digest(value: str) -> str:
    return nik_digest(value.strip().lower())[:32]


def normalise_destination(value: str) -> str:
    """One phone number or email address, however it was typed: ``0812-3456 7890``,
    ``+62 812 34567890`` and ``6281234567890`` are one destination."""
    value = value.strip().lower()
    if "@" in value:
        return value
    digits = "".join(ch for ch in value if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


# --- MPP networks ----------------------------------------------------------------------------

NETWORKS_CACHE_KEY = "limits:mpp-networks"


def mpp_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = cache.get(NETWORKS_CACHE_KEY)
    if networks is None:
        from mpp.tenancy.models import MppNetwork

        networks = [str(n) for n in MppNetwork.objects.values_list("network", flat=True)]
        cache.set(NETWORKS_CACHE_KEY, networks, 300)
    return [ipaddress.ip_network(n, strict=False) for n in networks]


def networks_changed() -> None:
    cache.delete(NETWORKS_CACHE_KEY)


def in_mpp_network(address: str | None) -> bool:
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in mpp_networks() if network.version == ip.version)


# --- Counting --------------------------------------------------------------------------------


# A django-ratelimit rate: "5/m", or (count, seconds).
Rate = tuple[int, int] | str
# What django-ratelimit's get_usage answers: count, limit, should_limit, time_left.
Usage = dict[str, Any]


def _rate(rate: str, factor: int = 1) -> Rate:
    if factor == 1:
        return rate
    from django_ratelimit.core import _split_rate

    count, seconds = _split_rate(rate)
    return count * factor, seconds


def _usage(name: str, scope: str, value: str, rate: Rate, increment: bool) -> Usage | None:
    usage: Usage | None = get_usage(
        None,
        group=f"mpp:{name}:{scope}",
        key=lambda _group, _request: value,
        rate=rate,
        increment=increment,
    )
    return usage


def _over(usage: Usage | None, increment: bool) -> bool:
    if usage is None:
        return False
    if usage["time_left"] < 0:  # the cache failed; django-ratelimit fails closed
        return True
    return bool(usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"])


def _buckets(
    request: HttpRequest | None, name: str, keys: Sequence[str]
) -> list[tuple[str, str, Rate, str]]:
    """(scope, value, rate, action) for the address and each of ``keys``."""
    from mpp.audit.services import client_ip

    rules = purpose(name)
    passed = challenge_pass(request, name)
    buckets: list[tuple[str, str, Rate, str]] = []
    if rules.per_address:
        address = client_ip(request) if request is not None else None
        if passed or address:
            factor = getattr(settings, "MPP_RATE_LIMIT_MPP_FACTOR", 5)
            value = f"pass:{passed}" if passed else f"ip:{address}"
            rate = _rate(rules.per_address, 1 if passed or not in_mpp_network(address) else factor)
            buckets.append((ADDRESS, value, rate, CHALLENGE))
    per_key = rules.per_key
    for key in keys if per_key else ():
        if name == "tracking":  # 2171-260101-0001 however it is typed
            key = "".join(ch for ch in key if ch.isalnum())
        value = digest(key)
        if passed and rules.key_over == CHALLENGE:
            value = f"{value}:pass:{passed}"
        buckets.append((KEY, value, per_key or "", rules.key_over))
    return buckets


def check(
    request: HttpRequest | None, name: str, keys: Sequence[str] = (), *, count: bool = True
) -> Verdict | None:
    """Count this request for ``name`` (unless ``count`` is false, or the purpose counts only
    failures) and say whether a limit is reached: a refusal before a challenge."""
    increment = count and not purpose(name).failures_only
    verdicts = []
    for scope, value, rate, action in _buckets(request, name, keys):
        usage = _usage(name, scope, value, rate, increment)
        if usage is not None and _over(usage, increment):
            verdicts.append(Verdict(name, scope, action, max(int(usage["time_left"]), 1)))
    verdicts.sort(key=lambda verdict: verdict.action != REFUSE)
    return verdicts[0] if verdicts else None


def record_failure(request: HttpRequest | None, name: str, key: str | None = None) -> None:
    """Count one failure (a wrong password, a tracking number and birth date that match nothing)."""
    for scope, value, rate, _action in _buckets(request, name, [key] if key else []):
        _usage(name, scope, value, rate, True)


def check_key(name: str, key: str) -> Verdict | None:
    """Count one use of ``key`` alone (a guest code sent to a destination), from any address."""
    rules = purpose(name)
    if not rules.per_key:
        return None
    usage = _usage(name, KEY, digest(key), rules.per_key, True)
    if usage is not None and _over(usage, True):
        return Verdict(name, KEY, REFUSE, max(int(usage["time_left"]), 1))
    return None


# --- The challenge ---------------------------------------------------------------------------

CHALLENGE_SALT = "mpp.accounts.limits.challenge"
CHALLENGE_MAX_AGE = 15 * 60
PASS_SESSION_KEY = "mpp_limit_pass"  # noqa: S105 (a session key, not a secret)
PASS_SECONDS = 10 * 60
TOKEN_FIELD = "_tantangan"  # noqa: S105 (a form field name)
ANSWER_FIELD = "_jawaban"


def _answer_mac(nonce: str, answer: str) -> str:
    return salted_hmac(CHALLENGE_SALT, f"{nonce}:{answer}").hexdigest()


def new_challenge(name: str) -> tuple[int, int, str]:
    """Two small numbers to add and the signed, single-use token that carries their sum's MAC
    (not the sum: the token is signed, not encrypted)."""
    first, second = secrets.randbelow(8) + 2, secrets.randbelow(8) + 2
    nonce = secrets.token_urlsafe(12)
    token = signing.dumps(
        {"p": name, "n": nonce, "m": _answer_mac(nonce, str(first + second))}, salt=CHALLENGE_SALT
    )
    return first, second, token


def solve_challenge(request: HttpRequest, name: str, token: str, answer: str) -> bool:
    """Whether ``answer`` solves the challenge in ``token`` for ``name``; a token works once.
    Solved, the session holds a pass: its requests for ``name`` are counted on their own."""
    try:
        data = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("p") != name:
        return False
    nonce = str(data.get("n", ""))
    if not cache.add(f"limits:challenge-used:{nonce}", 1, CHALLENGE_MAX_AGE + 60):
        return False
    if not constant_time_compare(str(data.get("m", "")), _answer_mac(nonce, answer.strip())):
        return False
    passes = dict(request.session.get(PASS_SESSION_KEY) or {})
    passes[name] = [int(time.time()) + PASS_SECONDS, secrets.token_urlsafe(12)]
    request.session[PASS_SESSION_KEY] = passes
    return True


def challenge_pass(request: HttpRequest | None, name: str) -> str | None:
    """The id of the session's unexpired pass for ``name``, if it solved a challenge."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    entry = (session.get(PASS_SESSION_KEY) or {}).get(name)
    if not entry or entry[0] < time.time():
        return None
    return str(entry[1])


# --- What the person is told -----------------------------------------------------------------


def clock(verdict: Verdict) -> str:
    """The local time the limit frees up, as Indonesians write it: ``14.05 WIB``."""
    until = verdict.until
    return f"{until:%H.%M} {until.tzname()}"


def _what(name: str) -> str:
    return {
        "login": _("percobaan masuk yang gagal"),
        "register": _("pendaftaran akun"),
        "password_reset": _("permintaan atur ulang kata sandi"),
        "guest_code": _("permintaan kode konfirmasi pengaduan"),
        "tracking": _("pencarian permohonan yang tidak cocok"),
        "complaint": _("pengaduan tanpa akun"),
        "challenge": _("jawaban pertanyaan yang salah"),
    }.get(name, _("permintaan tanpa masuk akun"))


def challenge_message(verdict: Verdict) -> str:
    if verdict.scope == KEY:
        return _(
            "Sudah banyak percobaan masuk yang gagal untuk akun ini dari berbagai alamat. "
            "Jawab pertanyaan di bawah untuk melanjutkan, atau atur ulang kata sandi Anda."
        )
    return _(
        "Sudah banyak %(what)s dari alamat internet yang Anda pakai (misalnya Wi-Fi bersama atau "
        "jaringan seluler) dalam 10 menit terakhir. Jawab pertanyaan di bawah untuk melanjutkan; "
        "permintaan Anda lalu dihitung tersendiri."
    ) % {"what": _what(verdict.purpose)}


def refusal(verdict: Verdict) -> tuple[str, str]:
    """(title, detail) of a refusal: what happened and what to do, with the time to try again."""
    time_ = clock(verdict)
    if verdict.scope == ADDRESS:
        detail = _(
            "Terlalu banyak %(what)s dari alamat internet Anda dalam 10 menit terakhir. "
            "Coba lagi pukul %(time)s."
        ) % {"what": _what(verdict.purpose), "time": time_}
        return _("Terlalu banyak permintaan."), detail
    details = {
        "login": _(
            "Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi pukul %(time)s "
            "atau atur ulang kata sandi."
        ),
        "register": _(
            "Sudah beberapa kali pendaftaran dicoba dengan NIK atau alamat surel ini. Coba lagi "
            "pukul %(time)s, atau masuk bila Anda sudah punya akun."
        ),
        "password_reset": _(
            "Tautan atur ulang kata sandi sudah beberapa kali dikirim ke alamat surel ini. Periksa "
            "kotak masuk dan folder spam Anda; tautan yang sudah terkirim tetap berlaku. Coba lagi "
            "pukul %(time)s."
        ),
        "guest_code": _(
            "Kode konfirmasi sudah beberapa kali dikirim ke alamat surel atau nomor telepon ini. "
            "Pakai kode terakhir yang Anda terima, atau minta kode baru pukul %(time)s."
        ),
        "tracking": _(
            "Terlalu banyak percobaan yang tidak cocok untuk nomor permohonan ini. Coba lagi pukul "
            "%(time)s, atau masuk ke akun Anda untuk melihat permohonan Anda."
        ),
    }
    detail = details.get(
        verdict.purpose,
        _("Terlalu banyak permintaan dengan data yang sama. Coba lagi pukul %(time)s."),
    )
    return _("Terlalu banyak percobaan."), detail % {"time": time_}


def lockout(request: HttpRequest | None = None) -> tuple[str, str, int]:
    """(title, detail, seconds) for django-axes' lockout of one account from one address."""
    seconds = int(timedelta(hours=float(settings.AXES_COOLOFF_TIME)).total_seconds())
    verdict = Verdict("login", KEY, REFUSE, seconds)
    detail = _(
        "Terlalu banyak percobaan masuk untuk akun ini dari alamat Anda. Coba lagi pukul "
        "%(time)s atau atur ulang kata sandi."
    ) % {"time": clock(verdict)}
    return _("Terlalu banyak percobaan masuk."), detail, seconds
