from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from annotator import pages
from annotator.signin import SignInView

urlpatterns = [
    path("", pages.home, name="home"),
    path("documents/<int:pk>/", pages.document_page, name="document"),
    path("documents/<int:pk>/review/", pages.review_page, name="review"),
    path("documents/<int:pk>/agreement/", pages.agreement_page, name="agreement"),
    path("documents/<int:pk>/map/", pages.map_page, name="map"),
    path("accounts/login/", SignInView.as_view(), name="login"),  # throttled LoginView
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include("annotator.api_urls")),
]

handler400 = "annotator.errors.bad_request"
handler404 = "annotator.errors.page_not_found"
handler500 = "annotator.errors.server_error"
