from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from councils.mfa.views import sign_in
from councils.views import home
from productivity import views

urlpatterns = [
    path("", home, name="home"),
    path("sign-in/", sign_in, name="login"),
    path("", include("councils.mfa.urls")),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("", include("plans.urls")),
    path("admin/", admin.site.urls),
]
