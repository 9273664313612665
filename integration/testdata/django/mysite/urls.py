from django.http import HttpResponse
from django.urls import path


def index(request):
    return HttpResponse("hello from django", content_type="text/plain")


urlpatterns = [
    path("", index),
]
