from django.urls import path

from mpp.integrations import dukcapil, satusehat, views

app_name = "integrations"

urlpatterns = [
    path("kelola/integrasi/", views.health, name="health"),
    path("kelola/integrasi/<str:connector>/<str:region>/", views.configure, name="configure"),
    # The Dukcapil simulator (404 unless MPP_SIMULATORS): the demo's and the tests' partner.
    path("simulator/dukcapil/verifikasi/", dukcapil.simulator, name="dukcapil_simulator"),
    path("simulator/dukcapil/data/", dukcapil.simulator_data, name="dukcapil_simulator_data"),
    # The SATUSEHAT simulator (same rule): the OAuth2 token and the FHIR Practitioner search.
    path(
        f"simulator/satusehat/{satusehat.AUTH_PATH}",
        satusehat.simulator_token,
        name="satusehat_simulator_token",
    ),
    path(
        f"simulator/satusehat/{satusehat.PRACTITIONER_PATH}",
        satusehat.simulator_practitioner,
        name="satusehat_simulator_practitioner",
    ),
]
