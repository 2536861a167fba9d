"""The root urls: the only place (with asgi routing) that names both apps."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotator import joining, pages
from annotator.signin import SignInView

urlpatterns = [
    path("accounts/login/", SignInView.as_view(), name="login"),  # throttled LoginView
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/", joining.signup, name="signup"),  # 404 unless DJANGO_OPEN_SIGNUP
    path("join/<str:token>/", joining.join, name="join"),
    path("admin/", admin.site.urls),
    path("projects/new/", pages.project_new, name="project-new"),
    path("projects/<int:pk>/members/", pages.members_page, name="project-members-page"),
    path("projects/<int:pk>/settings/", pages.settings_page, name="project-settings-page"),
    path("api/", include("annotator.api_urls")),
    path("api/", include("claims.api.urls")),
    path("", include("claims.urls")),
]

handler400 = "annotator.errors.bad_request"
handler404 = "annotator.errors.page_not_found"
handler500 = "annotator.errors.server_error"
