from rest_framework.routers import SimpleRouter

from claims import views

router = SimpleRouter()
router.register("tags", views.TagViewSet, basename="tag")
router.register("links", views.LinkViewSet, basename="link")
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = router.urls
