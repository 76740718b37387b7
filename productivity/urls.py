from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from councils.forms import SignInForm
from councils.views import home
from productivity import views
from productivity.health import health
from productivity.sessions import session_keep_alive

admin.site.site_header = "Submit a productivity plan: administration"

urlpatterns = [
    path("", home, name="home"),
    path(
        "sign-in/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="registration/sign_in.html",
                authentication_form=SignInForm,
                redirect_authenticated_user=True,
            )
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("session/keep-alive/", session_keep_alive, name="session_keep_alive"),
    path("health/", health, name="health"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("cookies/", views.cookies, name="cookies"),
    path("", include("councils.urls")),
    path("", include("plans.urls")),
    path("admin/", admin.site.urls),
]
