from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from councils.mfa.views import sign_in
from councils.views import home
from productivity import views
from productivity.health import health
from productivity.sessions import session_keep_alive

urlpatterns = [
    path("", home, name="home"),
    path("sign-in/", sign_in, name="login"),
    path("", include("councils.mfa.urls")),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/keep-alive/", session_keep_alive, name="session_keep_alive"),
    path("health/", health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("", include("councils.urls")),
    path("", include("plans.urls")),
    path("admin/", admin.site.urls),
]
