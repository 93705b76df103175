"""Limits in the browser (issue 22, finding 2; docs/limits.md): a person sharing an address with a
script answers the arithmetic question without JavaScript and what they sent goes through; an MPP
manager registers the hall's network, whose addresses get higher limits, and removes it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import CitizenFactory, load_demo
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.tenancy.models import MppNetwork

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_address_over_its_limit_answers_a_question_and_the_form_goes_through(
    page, audit, settings
):
    settings.MPP_RATE_LIMITS = {"password_reset": {"address": "2/10m"}}
    CitizenFactory(email="warga@contoh.id")
    for n in range(2):
        page.goto("/akun/sandi/lupa/")
        audit(page)
        page.get_by_role("textbox").fill(f"orang{n}@contoh.id")
        page.get_by_role("button", name="Kirim tautan").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Periksa surel Anda")
        audit(page)

    page.goto("/akun/sandi/lupa/")
    audit(page)
    page.get_by_role("textbox").fill("warga@contoh.id")
    page.get_by_role("button", name="Kirim tautan").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Jawab satu pertanyaan untuk melanjutkan")
    audit(page)
    expect(page.get_by_text("dari alamat internet yang Anda pakai")).to_be_visible()

    # A wrong answer: a new question, nothing sent.
    page.get_by_label(re.compile(r"Berapa \d+ ditambah \d+\?")).fill("999")
    page.get_by_role("button", name="Lanjutkan").click()
    expect(page.get_by_text("Jawaban belum benar. Jawab pertanyaan baru ini.")).to_be_visible()
    audit(page)
    assert [m.to for m in mail.outbox] == []

    question = page.get_by_label(re.compile(r"Berapa \d+ ditambah \d+\?"))
    first, second = map(int, re.search(r"Berapa (\d+) ditambah (\d+)", page.content()).groups())
    question.fill(str(first + second))
    page.get_by_role("button", name="Lanjutkan").click()
    expect(heading).to_have_text("Periksa surel Anda")
    audit(page)
    assert [m.to for m in mail.outbox] == [["warga@contoh.id"]]


def test_a_manager_registers_the_halls_network_and_removes_it(wide_page, live_server, audit):
    load_demo()
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="pengelola.batam"))
    page.goto("/akun/kerja/")
    audit(page)
    page.get_by_role("link", name=re.compile("Jaringan internet MPP")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaringan MPP")
    audit(page)
    expect(page.get_by_text("Belum ada jaringan yang didaftarkan.")).to_be_visible()

    # Too wide a network: refused with the reason, nothing registered.
    page.get_by_label("MPP", exact=True).select_option(label="Mal Pelayanan Publik Kota Batam")
    page.get_by_label("Jaringan (CIDR)").fill("10.0.0.0/8")
    page.get_by_role("button", name="Daftarkan").click()
    audit(page)
    expect(page.locator(".field__error")).to_be_visible()
    assert not MppNetwork.objects.exists()

    page.get_by_label("Jaringan (CIDR)").fill("36.66.10.0/28")
    page.get_by_label("Keterangan").fill("Wi-Fi aula")
    page.get_by_role("button", name="Daftarkan").click()
    expect(page.get_by_text("Jaringan MPP didaftarkan.")).to_be_visible()
    audit(page)
    row = page.get_by_role("row").filter(has_text="36.66.10.0/28")
    expect(row).to_contain_text("Wi-Fi aula")
    expect(row).to_contain_text("Mal Pelayanan Publik Kota Batam")

    row.get_by_role("button", name="Hapus 36.66.10.0/28").click()
    expect(page.get_by_text("Jaringan MPP dihapus.")).to_be_visible()
    audit(page)
    expect(page.get_by_text("Belum ada jaringan yang didaftarkan.")).to_be_visible()
    assert not MppNetwork.objects.exists()
