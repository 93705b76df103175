"""POST /api/v1/skm/responses (kiosk and mobile app) and GET /api/v1/skm/ikm."""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant
from mpp.accounts.services import issue_token
from mpp.cases.tests.factories import StaffFactory
from mpp.devices.tests.factories import register_skm_kiosk, revoke
from mpp.surveys import services
from mpp.surveys.models import DaySum, Invitation, Response

from .factories import answers, interval_passed, rejected

pytestmark = pytest.mark.django_db
URL = "/api/v1/skm/responses"


def bearer(user, second_factor=False) -> dict:
    _token, raw = issue_token(user, second_factor=second_factor)
    return {"Authorization": f"Bearer {raw}"}


def manager_of(mpp):
    user = StaffFactory()
    RoleGrant.objects.create(user=user, role=Role.MPP_MANAGER, mpp=mpp)
    return user


@pytest.fixture
def kiosk(service):
    device, raw = register_skm_kiosk(
        mpp=service.mpp, service=service, name="Tablet loket 1", actor=None
    )
    return device, {"Authorization": f"Bearer {raw}"}


def post(client, headers, body):
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_a_kiosk_submits_anonymous_responses(client, service, kiosk):
    _device, headers = kiosk
    first = post(client, headers, {"answers": answers(U7=4), "suggestion": "Ruang tunggu panas."})
    assert first.status_code == 201, first.json()
    assert first.json()["channel"] == "kiosk"
    interval_passed(_device)
    assert post(client, headers, {"answers": answers()}).status_code == 201
    rows = Response.objects.all()
    assert len(rows) == 2 and all(r.content_type_id is None and r.service == service for r in rows)
    assert DaySum.objects.get(unit=f"service:{service.pk}", element="U7").total == 7


def test_a_kiosk_is_not_limited_as_an_anonymous_client_but_a_wrong_token_is(client, kiosk):
    # A tablet at a busy MPP's exit posts once per visitor from one address: more than the 30
    # anonymous POSTs in ten minutes that the rate limit allows an unknown client (each one after
    # the device's own interval).
    device, headers = kiosk
    sent = []
    for _ in range(35):
        sent.append(post(client, headers, {"answers": answers()}).status_code)
        interval_passed(device)
    assert set(sent) == {201}
    assert Response.objects.count() == 35
    guessed = [
        post(client, {"Authorization": "Bearer skmk_salah"}, {"answers": answers()}).status_code
        for _ in range(35)
    ]
    assert guessed[0] == 401 and guessed[-1] == 429


def test_bad_answers_are_422_per_element_and_save_nothing(client, kiosk):
    _device, headers = kiosk
    missing = {key: value for key, value in answers().items() if key != "U9"}
    response = post(client, headers, {"answers": {**missing, "U1": 5}})
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"U1", "U9"}
    assert not Response.objects.exists() and not DaySum.objects.exists()


def test_a_revoked_kiosk_is_refused(client, kiosk):
    device, headers = kiosk
    revoke(device)
    response = post(client, headers, {"answers": answers()})
    assert response.status_code == 403
    assert response.json()["title"] == "Perangkat ini sudah dicabut oleh pengelola MPP."
    assert not Response.objects.exists()


def test_the_mobile_app_answers_its_invitation_once(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
    invitation = Invitation.objects.get()
    headers = bearer(citizen)
    body = {"invitation": invitation.pk, "answers": answers()}
    assert post(client, headers, body).status_code == 201
    again = post(client, headers, body)
    assert again.status_code == 409 and again.json()["type"] == "urn:mpp:problem:survey_used"
    other = bearer(StaffFactory())
    assert post(client, other, body).status_code == 404
    assert Response.objects.get().channel == "app"


def _ikm(client, headers, unit, start="2026-01-01", end="2026-12-31"):
    return client.get(
        "/api/v1/skm/ikm", {"unit": unit, "start": start, "end": end}, headers=headers
    )


def test_the_ikm_has_the_issue_shape_with_exact_values(client, service, kiosk):
    device, headers = kiosk
    for values in (answers(U1=4), answers(U1=4, U2=2), answers()):
        assert post(client, headers, {"answers": values}).status_code == 201
        interval_passed(device)
    staff = bearer(manager_of(service.mpp), second_factor=True)
    today = timezone.localdate().isoformat()
    body = _ikm(client, staff, f"mpp:{service.mpp_id}", today, today).json()
    assert set(body) == {
        "respondents", "population", "required_sample", "sample_adequate", "sample_status",
        "elements",
        "ikm", "ikm_converted", "mutu", "kinerja",
    }  # fmt: skip
    assert body["respondents"] == 3
    u1 = body["elements"][0]
    assert u1["code"] == "U1" and u1["nrr"] == pytest.approx(11 / 3)
    assert u1["weight"] == pytest.approx(1 / 9)
    exact = (Fraction(11, 3) + Fraction(8, 3) + 7 * 3) / 9
    assert body["ikm"] == float(exact)
    assert body["ikm_converted"] == float(exact * 25)
    assert (body["mutu"], body["kinerja"]) == ("C", "Kurang Baik")  # 75.93


def test_no_respondents_means_not_available(client, service):
    staff = bearer(manager_of(service.mpp), second_factor=True)
    body = _ikm(client, staff, f"service:{service.pk}").json()
    assert body["respondents"] == 0
    assert body["ikm"] is None and body["mutu"] is None and body["ikm_converted"] is None


def test_ikm_is_scoped_and_parameters_checked(client, service):
    outsider = bearer(StaffFactory(), second_factor=True)
    assert _ikm(client, outsider, f"mpp:{service.mpp_id}").status_code == 404
    staff = bearer(manager_of(service.mpp), second_factor=True)
    assert _ikm(client, staff, "planet:1").status_code == 422
    assert (
        _ikm(client, staff, f"mpp:{service.mpp_id}", "2026-02-01", "2026-01-01").status_code == 422
    )
    assert _ikm(client, staff, "national").status_code == 404  # a manager is not national


def test_recompute_reports_a_difference_and_fixes_it(service, kiosk, capsys):
    device, _headers = kiosk
    services.submit_at_kiosk(device, services.Submission(answers()))
    call_command("recompute_skm_sums")
    assert "match" in capsys.readouterr().out
    DaySum.objects.filter(unit=f"service:{service.pk}", element="U1").update(total=99)
    call_command("recompute_skm_sums")
    out = capsys.readouterr().out
    assert f"service:{service.pk} U1: kept total/count 99/1, recomputed 3/1" in out
    call_command("recompute_skm_sums", "--fix")
    call_command("recompute_skm_sums")
    assert "match" in capsys.readouterr().out


def test_weights_must_sum_to_one_and_nothing_is_published(service):
    questionnaire = services.adopt_national(service=service)
    elements = [dict(e, weight="0.111") for e in questionnaire.current_version.elements]
    with pytest.raises(services.SurveyError) as error:
        services.publish_version(questionnaire, elements)
    assert "Jumlah bobot harus tepat 1" in error.value.message
    assert questionnaire.versions.count() == 1
    custom = [dict(e, weight="1/10") for e in elements[:8]] + [dict(elements[8], weight="1/5")]
    version = services.publish_version(questionnaire, custom)
    assert version.number == 2 and version.weights()["U9"] == Fraction(1, 5)


def test_a_response_keeps_the_version_it_answered(service, kiosk):
    device, _headers = kiosk
    questionnaire = services.adopt_national(service=service)
    first = services.submit_at_kiosk(device, services.Submission(answers()))
    services.publish_version(questionnaire, questionnaire.current_version.elements)
    interval_passed(device)
    second = services.submit_at_kiosk(device, services.Submission(answers()))
    assert first.version.number == 1 and second.version.number == 2


def test_day_is_the_local_date_of_the_region(service, kiosk):
    device, _headers = kiosk
    response = services.submit_at_kiosk(device, services.Submission(answers()))
    assert (
        response.day
        == timezone.localtime(
            response.answered_at, datetime.timezone(datetime.timedelta(hours=7))
        ).date()
    )


def test_the_ikm_reads_the_day_sums_in_a_fixed_number_of_queries(
    service, kiosk, django_assert_max_num_queries
):
    from mpp.surveys.selectors import compute_ikm
    from mpp.surveys.units import Unit

    device, _headers = kiosk
    for _ in range(5):
        services.submit_at_kiosk(device, services.Submission(answers()))
        interval_passed(device)
    services.ensure_national_default()
    unit = Unit("region", service.mpp.region_id)
    today = timezone.localdate()
    with django_assert_max_num_queries(3):
        result = compute_ikm(unit, "", today, today)
    assert result.respondents == 5 and result.converted == 75


def test_the_ikm_api_takes_a_handful_of_queries(client, service, django_assert_max_num_queries):
    services.ensure_national_default()
    staff = bearer(manager_of(service.mpp), second_factor=True)
    with django_assert_max_num_queries(8):
        response = _ikm(client, staff, f"region:{service.mpp.region_id}")
    assert response.status_code == 404  # a manager of one MPP does not read the whole kab/kota
    with django_assert_max_num_queries(8):
        assert _ikm(client, staff, f"mpp:{service.mpp_id}").status_code == 200
