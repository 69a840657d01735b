from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("review/<str:token>/", views.review_copy, name="review_copy"),
]
