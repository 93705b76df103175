"""Journeys of issue 11 (part b): search as people write, the form builder, and a crawl of every
page a visitor reaches from the home page at 360 px (axe with every rule, no sideways scrolling)."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import expect

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo as load_demo_data
from mpp.accounts.tests.helpers import login_staff_in_browser
from mpp.catalog import selectors
from mpp.catalog.models import Service
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = "var/screenshots"


def load_demo() -> None:
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a previous transactional test flushed the migration data
    load_demo_data()


def full_axe(page, audit) -> None:
    """axe with every rule enabled by default (WCAG A/AA and best practices), and no overflow."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(audit.source)
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    violations = result["violations"]
    assert not violations, f"axe (all rules) on {page.url}:\n" + "\n".join(
        f"- {v['id']}: {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in violations
    )
    audit.audited.add(page.url.split("#")[0])
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"horizontal overflow on {page.url}: {overflow}"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("akte lahir", "Penerbitan akta kelahiran"),
        ("ktp hilang", "Penggantian KTP-el karena hilang"),
        ("birth certificate", "Birth certificate"),
    ],
)
def test_people_find_the_service_as_they_write_it(page, audit, query, expected):
    load_demo()
    if query == "birth certificate":
        # An English reader: the language switch on the page, then the same search box.
        page.goto("/")
        audit(page)
        page.get_by_label("Bahasa").select_option("en")
        page.get_by_role("button", name="Ganti bahasa").click()
        page.wait_for_load_state("load")
        audit(page)
    else:
        page.goto("/")
        audit(page)
    search = page.locator("#beranda-cari-q")
    search.fill(query)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/cari/\?q="))
    full_axe(page, audit)
    first = page.locator(".service-card").first
    expect(first.get_by_role("heading")).to_have_text(expected)
    page.screenshot(path=f"{SHOTS}/journeys-search-{query.replace(' ', '-')}-360.png")


def test_a_typo_is_answered_with_a_suggestion(page, audit):
    load_demo()
    page.goto("/cari/?q=paspr")
    full_axe(page, audit)
    expect(page.get_by_text("Mungkin maksud Anda")).to_be_visible()
    page.get_by_role("link", name="paspor", exact=True).click()
    page.wait_for_url(re.compile(r"q=paspor"))
    full_axe(page, audit)
    expect(page.locator(".service-card").first).to_contain_text("paspor")
    page.goto("/cari/?q=qwxzvb")
    full_axe(page, audit)
    expect(page.get_by_text("Tidak ada layanan yang cocok.")).to_be_visible()
    expect(page.get_by_text("hapus saringan")).to_have_count(0)
    page.screenshot(path=f"{SHOTS}/journeys-search-empty-360.png", full_page=True)


def _open_builder(page, audit, live_server) -> Service:
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.dukcapil"))
    service = Service.objects.get(name="Penerbitan akta kelahiran", mpp__region_id="2171")
    page.goto(f"/kelola/layanan/{service.pk}/")
    audit(page)
    page.get_by_role("button", name="Buat draf versi baru").click()
    page.wait_for_url(re.compile(r"/draf/$"))
    audit(page)
    page.get_by_role("link", name=re.compile("penyusun formulir")).click()
    page.wait_for_url(re.compile(r"/draf/formulir/$"))
    audit(page)
    return service


def _add_conditional_file(page, audit, *, htmx: bool) -> None:
    rows = page.locator("fieldset.builder-row")
    count = rows.count()
    page.get_by_role("button", name="Tambah isian").click()
    expect(rows).to_have_count(count + 1)
    if not htmx:
        audit(page)
    new = rows.nth(count)
    new.get_by_label("Label", exact=True).fill("Akta perceraian orang tua")
    new.get_by_label("Jenis isian").select_option("file")
    new.get_by_label("Wajib diisi").check()
    new.get_by_label("Tampilkan hanya bila isian").select_option("status_nikah")
    new.get_by_label("bernilai").fill("tidak")
    new.get_by_label("PDF").check()
    new.get_by_label("Ukuran berkas paling besar (MB)").fill("2")
    page.get_by_role("button", name="Simpan formulir").last.click()
    expect(page.get_by_role("status")).to_contain_text("Formulir tersimpan di draf.")
    if not htmx:
        audit(page)


def _assert_saved(service: Service) -> None:
    draft = selectors.draft_of(service)
    assert draft is not None
    field = draft.form.get("akta_perceraian_orang_tua")
    assert field is not None and field.type == "file" and field.required
    assert field.visible_if is not None
    assert (field.visible_if.field, field.visible_if.value) == ("status_nikah", "tidak")
    assert field.file_types == ("application/pdf",) and field.max_bytes == 2 * 1024 * 1024


def test_the_form_builder_adds_a_conditional_file_field_with_htmx(page, audit, live_server):
    load_demo()
    service = _open_builder(page, audit, live_server)
    assert page.evaluate("() => typeof window.htmx") == "object"
    before = page.url
    _add_conditional_file(page, audit, htmx=True)
    assert page.url == before  # swapped in place, no page load
    audit(page)
    _assert_saved(service)
    page.screenshot(path=f"{SHOTS}/journeys-form-builder-360.png", full_page=True)


def test_the_form_builder_works_without_javascript(page, audit, live_server):
    """htmx never arrives (blocked, as on a failed download): the builder is ordinary form posts.
    (axe itself needs scripts in the page, so scripts stay on and only htmx is missing.)"""
    load_demo()
    page.route(re.compile(r"htmx\.min.*\.js"), lambda route: route.abort())
    service = _open_builder(page, audit, live_server)
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    _add_conditional_file(page, audit, htmx=False)
    _assert_saved(service)
    page.get_by_role("button", name=re.compile("^Turunkan")).first.click()
    audit(page)
    expect(page.get_by_role("status")).to_contain_text("Urutan diubah")


def test_the_synonym_table_in_the_back_office(wide_page, audit, live_server):
    load_demo()
    page = wide_page
    login_staff_in_browser(page, live_server, User.objects.get(username="admin.kemenpanrb"))
    page.goto("/akun/kerja/")
    audit(page)
    page.get_by_role("link", name="Sinonim pencarian").click()
    audit(page)
    page.get_by_label("Kata yang diketik warga").fill("dua kata")
    page.get_by_label("Artinya dalam nama layanan").fill("akta")
    page.get_by_role("button", name="Simpan sinonim").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Isi satu kata saja")
    page.get_by_label("Kata yang diketik warga").fill("surket")
    page.get_by_label("Artinya dalam nama layanan").fill("surat keterangan")
    page.get_by_role("button", name="Simpan sinonim").click()
    audit(page)
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text("surket")
    page.set_viewport_size({"width": 360, "height": 780})
    page.screenshot(path=f"{SHOTS}/journeys-synonyms-360.png", full_page=True)


# Pages not crawled: the API's documentation (Swagger UI, a third-party page) and files.
SKIP = re.compile(r"^/(api/|static/|media/)")
MAX_PAGES = 90


def test_every_page_a_visitor_reaches_is_accessible_at_360_px(page, audit, live_server):
    load_demo()
    base = live_server.url
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    crawled = []
    while queue and len(crawled) < MAX_PAGES:
        path = queue.popleft()
        response = page.goto(path)
        assert response is not None and response.status < 400, (
            f"{path}: {response and response.status}"
        )
        full_axe(page, audit)
        crawled.append(path)
        hrefs = page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        )
        for href in hrefs:
            url = urlsplit(urljoin(base + path, href))
            if f"{url.scheme}://{url.netloc}" != base or SKIP.match(url.path):
                continue
            # One page of each list: further pages of the same list are built the same way.
            query = url.query if "page=" not in url.query else ""
            target = url.path + (f"?{query}" if query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert {"/", "/mpp/", "/layanan/"} <= set(crawled)
    assert any(p.startswith("/mpp/") and p != "/mpp/" for p in crawled)
    page.goto("/mpp/")
    full_axe(page, audit)
    page.screenshot(path=f"{SHOTS}/journeys-mpp-list-360.png", full_page=True)
    mpp = page.locator(".card a").first
    mpp.click()
    full_axe(page, audit)
    expect(page.get_by_role("link", name=re.compile("Lihat di peta"))).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/")
    )
    page.screenshot(path=f"{SHOTS}/journeys-mpp-detail-360.png", full_page=True)
    assert page.title().endswith(" — MPP Digital")
