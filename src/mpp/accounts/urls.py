from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import path, reverse_lazy

from mpp.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.login_view, name="login"),
    path("masuk/oidc/", views.oidc_start, name="oidc_start"),
    path("masuk/oidc/callback/", views.oidc_callback, name="oidc_callback"),
    path("masuk/oidc/lanjut/", views.oidc_continue, name="oidc_continue"),
    path("keluar/", views.logout_view, name="logout"),
    path("daftar/", views.register, name="register"),
    path("daftar/diterima/", views.register_received, name="register_received"),
    path("profil/", views.profile, name="profile"),
    path("profil/ubah/", views.profile_edit, name="profile_edit"),
    path("surel/kirim-ulang/", views.resend_verification, name="resend_verification"),
    path("surel/verifikasi/<str:token>/", views.verify_email, name="verify_email"),
    path("undangan/<str:token>/", views.invitation, name="invitation"),
    path("pengembang/", views.developer, name="developer"),
    path("privasi/", views.privacy_notice, name="privacy_notice"),
    path("token/<id:token_id>/cabut/", views.revoke_token, name="revoke_token"),
    path("sandi/ubah/", login_required(views.PasswordChangeView.as_view()), name="password_change"),
    path("2fa/atur/", views.otp_setup, name="otp_setup"),
    path("2fa/verifikasi/", views.otp_verify, name="otp_verify"),
    path("kerja/", views.backoffice, name="backoffice"),
    path("kerja/audit/", views.audit_log, name="audit_log"),
    path("kerja/peran/", views.staff_roles, name="staff_roles"),
    path("kerja/peran/<id:grant_id>/cabut/", views.revoke_role, name="revoke_role"),
    path("kerja/jaringan/", views.mpp_networks, name="mpp_networks"),
    path("kerja/jaringan/<id:pk>/hapus/", views.mpp_network_remove, name="mpp_network_remove"),
    path(
        "kerja/peran/undangan/<id:invitation_id>/kirim-ulang/",
        views.invitation_action,
        {"action": "resend"},
        name="invitation_resend",
    ),
    path(
        "kerja/peran/undangan/<id:invitation_id>/batalkan/",
        views.invitation_action,
        {"action": "revoke"},
        name="invitation_revoke",
    ),
    path(
        "sandi/lupa/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/email/password_reset.txt",
            subject_template_name="accounts/email/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
